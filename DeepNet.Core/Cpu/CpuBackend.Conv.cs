#nullable enable
namespace DeepNet.Backends.Cpu;

public sealed partial class CpuBackend
{
    public void ConvForward(Tensor x, Tensor kernel, Tensor y, in ConvSpec spec) => throw new NotImplementedException();
    public void ConvBackwardData(Tensor dy, Tensor kernel, Tensor dx, in ConvSpec spec) => throw new NotImplementedException();
    public void ConvBackwardFilter(Tensor x, Tensor dy, Tensor dKernel, in ConvSpec spec) => throw new NotImplementedException();
    public void PoolForward(Tensor x, Tensor y, in PoolSpec spec) => throw new NotImplementedException();
    public void PoolBackward(Tensor x, Tensor y, Tensor dy, Tensor dx, in PoolSpec spec) => throw new NotImplementedException();
    public void BatchNormTraining(Tensor x, Tensor gamma, Tensor beta, float epsilon, Tensor y, Tensor mean, Tensor variance) => throw new NotImplementedException();
    public void BatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor variance, float epsilon, Tensor y) => throw new NotImplementedException();
    public void BatchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor mean, Tensor variance, float epsilon, Tensor dx, Tensor dGamma, Tensor dBeta) => throw new NotImplementedException();
}
