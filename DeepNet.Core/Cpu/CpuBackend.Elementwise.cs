#nullable enable
namespace DeepNet.Backends.Cpu;

public sealed partial class CpuBackend
{
    public void Softmax(Tensor x, Tensor y, bool log) => throw new NotImplementedException();
    public void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx, bool log) => throw new NotImplementedException();
    public void Activation(ActivationKind kind, Tensor x, Tensor? bias, Tensor y, float alpha = 0f) => throw new NotImplementedException();
    public void ActivationBackward(ActivationKind kind, Tensor x, Tensor y, Tensor dy, Tensor dx, float alpha = 0f) => throw new NotImplementedException();
    public void Unary(UnaryOp op, Tensor x, Tensor y, float arg0 = 0f, float arg1 = 0f) => throw new NotImplementedException();
    public void Binary(BinaryOp op, Tensor a, Tensor b, Tensor y) => throw new NotImplementedException();
    public void Reduce(ReduceOp op, Tensor x, ReadOnlySpan<int> axes, Tensor y) => throw new NotImplementedException();
    public void ArgMax(Tensor x, int axis, Tensor indices) => throw new NotImplementedException();
}
