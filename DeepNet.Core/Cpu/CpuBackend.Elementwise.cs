#nullable enable
namespace DeepNet.Backends.Cpu;

/// <summary>
/// Shared plumbing of the elementwise, activation, softmax and reduction kernels: dtype checks
/// and the one way they split work over threads. The kernels themselves live in
/// CpuBackend.Unary.cs, .Binary.cs, .Activation.cs, .Softmax.cs and .Reduce.cs.
/// </summary>
public sealed partial class CpuBackend
{
    /// <summary>Below this many elements of work a kernel runs on the calling thread.</summary>
    internal const long ElementwiseParallelThreshold = 1 << 16;

    private static void RequireFloat(Tensor t, string op, string name)
    {
        if (t.DType != DType.Float32)
            throw new ArgumentException($"{op}: {name} must be float32, got {t.DType.Name()} with shape {t.Shape}.");
    }

    private static void RequireSameShape(string op, string nameA, Tensor a, string nameB, Tensor b)
    {
        if (a.Shape != b.Shape)
            throw new ShapeMismatchException(op, $"{nameA} {a.Shape} and {nameB} {b.Shape} must have the same shape.");
    }

    /// <summary>
    /// Runs <paramref name="body"/>(start, count) over [0, <paramref name="items"/>) in contiguous
    /// chunks, on several threads only when items × <paramref name="workPerItem"/> is large. Every
    /// item is computed by exactly one call, in the same way whatever the chunking, so results do
    /// not depend on the thread count.
    /// </summary>
    private void ForRanges(long items, long workPerItem, Action<long, long> body)
    {
        if (items <= 0) return;
        long work = items * Math.Max(workPerItem, 1);
        int chunks = (int)Math.Min(Math.Min(items, Threads), work / (ElementwiseParallelThreshold / 2));
        if (work < ElementwiseParallelThreshold || chunks < 2)
        {
            body(0, items);
            return;
        }
        FanOut.For(chunks, Threads, c =>
        {
            long start = items * c / chunks, end = items * (c + 1) / chunks;
            body(start, end - start);
        });
    }
}
