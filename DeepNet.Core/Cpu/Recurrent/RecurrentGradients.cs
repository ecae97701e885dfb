#nullable enable
namespace DeepNet.Backends.Cpu.Recurrent;

/// <summary>The gradients of a fused sequence; null where not asked for.</summary>
internal sealed record RecurrentGradients(Tensor? Inputs, Tensor? Kernel, Tensor? RecurrentKernel, Tensor? Bias, Tensor? H0, Tensor? C0);
