#nullable enable
namespace DeepNet.Backends.Cpu;

public sealed partial class CpuBackend
{
    public void Gemm(Tensor a, Tensor b, Tensor c, bool transposeA = false, bool transposeB = false, float alpha = 1f, float beta = 0f)
        => throw new NotImplementedException("CPU GEMM is not written yet.");
}
