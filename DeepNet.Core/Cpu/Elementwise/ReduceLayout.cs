#nullable enable
namespace DeepNet.Backends.Cpu.Elementwise;

/// <summary>
/// A reduction's shape reduced to its essentials: size-1 dimensions are dropped and neighbours
/// that are both kept or both reduced are merged, leaving alternating groups. The innermost
/// group decides the loop: reduced innermost means contiguous rows summed to one value each;
/// kept innermost means whole rows accumulated elementwise into an output row.
/// </summary>
internal sealed class ReduceLayout
{
    public ReduceLayout(Shape x, bool[] reduced)
    {
        var sizes = new List<int>();
        var isReduced = new List<bool>();
        for (int i = 0; i < x.Rank; i++)
        {
            if (x[i] == 1) continue;
            if (sizes.Count > 0 && isReduced[^1] == reduced[i]) sizes[^1] *= x[i];
            else
            {
                sizes.Add(x[i]);
                isReduced.Add(reduced[i]);
            }
        }
        var strides = new long[sizes.Count];
        long s = 1;
        for (int i = sizes.Count - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= sizes[i];
        }
        InnerReduced = sizes.Count > 0 && isReduced[^1];
        Inner = sizes.Count > 0 ? sizes[^1] : 1;
        // The innermost group is walked by the kernel itself; the others by an index.
        var ks = new List<int>();
        var kst = new List<long>();
        var rs = new List<int>();
        var rst = new List<long>();
        for (int i = 0; i < sizes.Count - 1; i++)
        {
            if (isReduced[i]) { rs.Add(sizes[i]); rst.Add(strides[i]); }
            else { ks.Add(sizes[i]); kst.Add(strides[i]); }
        }
        KeptSizes = ks.ToArray();
        KeptStrides = kst.ToArray();
        ReducedSizes = rs.ToArray();
        ReducedStrides = rst.ToArray();
    }

    /// <summary>True when the innermost (contiguous) group is reduced.</summary>
    public bool InnerReduced { get; }

    /// <summary>Length of the innermost group.</summary>
    public int Inner { get; }

    /// <summary>Outer kept groups (excluding the innermost), outermost first, with their strides in x.</summary>
    public int[] KeptSizes { get; }

    public long[] KeptStrides { get; }

    /// <summary>Outer reduced groups (excluding the innermost), with their strides in x.</summary>
    public int[] ReducedSizes { get; }

    public long[] ReducedStrides { get; }

    /// <summary>Offset in x of row-major index <paramref name="index"/> over the given groups.</summary>
    public static long Offset(long index, int[] sizes, long[] strides)
    {
        long offset = 0;
        for (int i = sizes.Length - 1; i >= 0; i--)
        {
            offset += index % sizes[i] * strides[i];
            index /= sizes[i];
        }
        return offset;
    }
}
