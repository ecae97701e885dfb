#nullable enable
namespace DeepNet.Backends.Cpu;

public sealed partial class CpuBackend
{
    public void Gather(Tensor x, Tensor indices, int axis, Tensor y) => throw new NotImplementedException();
    public void ScatterAdd(Tensor updates, Tensor indices, int axis, Tensor y) => throw new NotImplementedException();
    public void Concat(IReadOnlyList<Tensor> inputs, int axis, Tensor y) => throw new NotImplementedException();
    public void Slice(Tensor x, ReadOnlySpan<int> begin, Tensor y) => throw new NotImplementedException();
    public void Pad(Tensor x, ReadOnlySpan<int> before, float value, Tensor y) => throw new NotImplementedException();
    public void Transpose(Tensor x, ReadOnlySpan<int> permutation, Tensor y) => throw new NotImplementedException();
    public void Tile(Tensor x, Tensor y) => throw new NotImplementedException();
    public void RandomUniform(Tensor y, ulong seed, ulong offset, float low, float high) => throw new NotImplementedException();
    public void RandomNormal(Tensor y, ulong seed, ulong offset, float mean, float stddev) => throw new NotImplementedException();
    public void TruncatedNormal(Tensor y, ulong seed, ulong offset, float mean, float stddev) => throw new NotImplementedException();
    public void DropoutMask(Tensor mask, ulong seed, ulong offset, float rate) => throw new NotImplementedException();
    public void OptimizerUpdate(in OptimizerStep step, Tensor variable, Tensor gradient, IReadOnlyList<Tensor> slots) => throw new NotImplementedException();
}
