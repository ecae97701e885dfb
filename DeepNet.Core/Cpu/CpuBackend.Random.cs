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
        FanOut.For((int)chunks, Threads, c =>
        {
            long start = (long)c * RandomChunk;
            FillRandomRange(p, start, Math.Min(n, start + RandomChunk), kind, seed, offset, a, b);
        });
    }

    // Fills elements [start, end) of y, one Philox block (4 elements) at a time; a range that
    // starts or ends mid-block uses only the lanes inside it.
    private static unsafe void FillRandomRange(float* y, long start, long end, RandomKind kind, ulong seed, ulong offset, float a, float b)
    {
        Span<float> v = stackalloc float[4];
        ulong e = offset + (ulong)start;
        float* dst = y + start;
        for (long left = end - start; left > 0;)
        {
            int lane = (int)(e & 3);
            int take = (int)Math.Min(4 - lane, left);
            var block = RandomStream.BlockOf(seed, e);
            switch (kind)
            {
                case RandomKind.Uniform:
                    v[0] = RandomStream.ScaleUniform(RandomStream.ToUniform(block.X0), a, b);
                    v[1] = RandomStream.ScaleUniform(RandomStream.ToUniform(block.X1), a, b);
                    v[2] = RandomStream.ScaleUniform(RandomStream.ToUniform(block.X2), a, b);
                    v[3] = RandomStream.ScaleUniform(RandomStream.ToUniform(block.X3), a, b);
                    break;
                case RandomKind.Dropout:
                    v[0] = RandomStream.ToUniform(block.X0) >= a ? b : 0f;
                    v[1] = RandomStream.ToUniform(block.X1) >= a ? b : 0f;
                    v[2] = RandomStream.ToUniform(block.X2) >= a ? b : 0f;
                    v[3] = RandomStream.ToUniform(block.X3) >= a ? b : 0f;
                    break;
                default:
                    RandomStream.Normals(block, v);
                    for (int j = lane; j < lane + take; j++)
                    {
                        // Rejected in round 0: continue this element's own sequence (rounds 1, 2, ...).
                        if (kind == RandomKind.Truncated && MathF.Abs(v[j]) > 2f) v[j] = Resample(seed, e - (ulong)lane + (ulong)j);
                        v[j] = RandomStream.Affine(v[j], a, b);
                    }
                    break;
            }
            for (int j = 0; j < take; j++) dst[j] = v[lane + j];
            dst += take;
            e += (ulong)take;
            left -= take;
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
