#nullable enable
namespace DeepNet.Backends.Cpu.Recurrent;

/// <summary>What the forward pass keeps for the backward pass; the tensors belong to the caller.</summary>
internal sealed record RecurrentForward(Tensor Gates, Tensor Outputs, Tensor Inner);
