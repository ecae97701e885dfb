#nullable enable
namespace DeepNet.Cuda;

// Counter-based random fills (random.cu): the CPU backend's Philox4x32-10 element mapping
// (DeepNet.Randomness.RandomStream), so a seed and offset give the same tensor on both backends.
public sealed unsafe partial class CudaBackend
{
    public void RandomUniform(Tensor y, ulong seed, ulong offset, float low, float high)
    {
        y.CheckDType(DType.Float32, "RandomUniform");
        if (!(high >= low))
            throw new ArgumentOutOfRangeException(nameof(high), $"RandomUniform: high ({high}) must be at least low ({low}).");
        LaunchRandom("random_uniform", y, seed, offset, low, high);
    }

    public void RandomNormal(Tensor y, ulong seed, ulong offset, float mean, float stddev)
    {
        y.CheckDType(DType.Float32, "RandomNormal");
        LaunchRandom("random_normal", y, seed, offset, mean, stddev);
    }

    public void TruncatedNormal(Tensor y, ulong seed, ulong offset, float mean, float stddev)
    {
        y.CheckDType(DType.Float32, "TruncatedNormal");
        LaunchRandom("random_truncated_normal", y, seed, offset, mean, stddev);
    }

    public void DropoutMask(Tensor mask, ulong seed, ulong offset, float rate)
    {
        mask.CheckDType(DType.Float32, "DropoutMask");
        if (!(rate >= 0f && rate <= 1f))
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"DropoutMask: rate must be in [0, 1], got {rate}.");
        // The kept value 1/(1 − rate) in float32, computed here exactly as the CPU backend does.
        LaunchRandom("dropout_mask", mask, seed, offset, rate, rate < 1f ? 1f / (1f - rate) : 0f);
    }

    private void LaunchRandom(string kernel, Tensor y, ulong seed, ulong offset, float a, float b)
    {
        if (y.Size == 0) return;
        EnterContext();
        long n = y.Size;
        ulong py = Ptr(y);
        void** args = stackalloc void*[6];
        args[0] = &n;
        args[1] = &py;
        args[2] = &seed;
        args[3] = &offset;
        args[4] = &a;
        args[5] = &b;
        Launch(_kernels.Function("random.cu", kernel), n, args);
    }
}
