#nullable enable
using DeepNet.Randomness;

namespace DeepNet.Backends.Cpu;

// Counter-based random fills. Every element is a pure function of (seed, offset + i), specified in
// Randomness/RandomStream.cs, so the split over threads below cannot change any value.
public sealed partial class CpuBackend
{
    // Elements per parallel chunk; a multiple of 4 so chunks rarely split a Philox block.
    private const int RandomChunk = 1 << 14;

    private enum RandomKind { Uniform, Normal, Truncated, Dropout }

    public void RandomUniform(Tensor y, ulong seed, ulong offset, float low, float high)
    {
        y.CheckDType(DType.Float32, "RandomUniform");
        if (!(high >= low))
            throw new ArgumentOutOfRangeException(nameof(high), $"RandomUniform: high ({high}) must be at least low ({low}).");
        FillRandom(y, RandomKind.Uniform, seed, offset, low, high);
    }

    public void RandomNormal(Tensor y, ulong seed, ulong offset, float mean, float stddev)
    {
        y.CheckDType(DType.Float32, "RandomNormal");
        FillRandom(y, RandomKind.Normal, seed, offset, mean, stddev);
    }

    public void TruncatedNormal(Tensor y, ulong seed, ulong offset, float mean, float stddev)
    {
        y.CheckDType(DType.Float32, "TruncatedNormal");
        FillRandom(y, RandomKind.Truncated, seed, offset, mean, stddev);
    }

    public void DropoutMask(Tensor mask, ulong seed, ulong offset, float rate)
    {
        mask.CheckDType(DType.Float32, "DropoutMask");
        if (!(rate >= 0f && rate <= 1f))
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"DropoutMask: rate must be in [0, 1], got {rate}.");
        FillRandom(mask, RandomKind.Dropout, seed, offset, rate, rate < 1f ? 1f / (1f - rate) : 0f);
    }

    private unsafe void FillRandom(Tensor y, RandomKind kind, ulong seed, ulong offset, float a, float b)
    {
        long n = y.Size;
        float* p = Pointer<float>(y);
        long chunks = (n + RandomChunk - 1) / RandomChunk;
        if (chunks <= 1 || Threads <= 1)
        {
            FillRandomRange(p, 0, n, kind, seed, offset, a, b);
            return;
        }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Threads }, c =>
        {
            long start = c * RandomChunk;
            FillRandomRange(p, start, Math.Min(n, start + RandomChunk), kind, seed, offset, a, b);
        });
    }

    // Fills elements [start, end) of y. A block is generated once per 4 elements (and again at the
    // start of the range when it begins mid-block).
    private static unsafe void FillRandomRange(float* y, long start, long end, RandomKind kind, ulong seed, ulong offset, float a, float b)
    {
        Span<float> normals = stackalloc float[4];
        var block = default(Philox4x32.Block);
        for (long i = start; i < end; i++)
        {
            ulong e = offset + (ulong)i;
            int lane = (int)(e & 3);
            if (lane == 0 || i == start)
            {
                block = RandomStream.BlockOf(seed, e);
                if (kind is RandomKind.Normal or RandomKind.Truncated) RandomStream.Normals(block, normals);
            }
            switch (kind)
            {
                case RandomKind.Uniform:
                    y[i] = RandomStream.ScaleUniform(RandomStream.ToUniform(block[lane]), a, b);
                    break;
                case RandomKind.Normal:
                    y[i] = RandomStream.Affine(normals[lane], a, b);
                    break;
                case RandomKind.Truncated:
                    float z = normals[lane];
                    // Rejected round 0: continue this element's own sequence (rounds 1, 2, ...).
                    if (MathF.Abs(z) > 2f) z = Resample(seed, e);
                    y[i] = RandomStream.Affine(z, a, b);
                    break;
                default:
                    y[i] = RandomStream.ToUniform(block[lane]) >= a ? b : 0f;
                    break;
            }
        }
    }

    private static float Resample(ulong seed, ulong e)
    {
        for (uint round = 1; round < RandomStream.MaxTruncatedRounds; round++)
        {
            float z = RandomStream.Normal(seed, e, round);
            if (MathF.Abs(z) <= 2f) return z;
        }
        return 0f;
    }
}
