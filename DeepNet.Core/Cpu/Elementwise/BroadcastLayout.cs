#nullable enable
namespace DeepNet.Backends.Cpu.Elementwise;

/// <summary>
/// How two operands broadcast onto an output, reduced to the fewest dimensions: size-1 output
/// dimensions are dropped and neighbours that step through both operands the same way are
/// merged. Strides are in elements, 0 where an operand is broadcast. After collapsing, the
/// common cases are rank 1 (same shape, or a scalar operand) and rank 2 (a row vector: strides
/// (0, 1); a column: strides (1, 0)).
/// </summary>
internal sealed class BroadcastLayout
{
    public BroadcastLayout(Shape a, Shape b, Shape y)
    {
        int rank = y.Rank;
        var dims = new List<int>(rank);
        var sa = new List<long>(rank);
        var sb = new List<long>(rank);
        long strideA = 1, strideB = 1;
        var da = new int[rank];
        var db = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int ia = i - (rank - a.Rank), ib = i - (rank - b.Rank);
            da[i] = ia >= 0 ? a[ia] : 1;
            db[i] = ib >= 0 ? b[ib] : 1;
        }
        // Walk from the innermost dimension out, so contiguous strides build up as we go.
        for (int i = rank - 1; i >= 0; i--)
        {
            int d = y[i];
            long stepA = da[i] == 1 ? 0 : strideA;
            long stepB = db[i] == 1 ? 0 : strideB;
            strideA *= da[i];
            strideB *= db[i];
            if (d == 1) continue;
            int last = dims.Count - 1;
            // Merge with the inner neighbour when both operands step through the pair as one run.
            if (last >= 0 && stepA == sa[last] * dims[last] && stepB == sb[last] * dims[last])
            {
                dims[last] *= d;
                continue;
            }
            dims.Add(d);
            sa.Add(stepA);
            sb.Add(stepB);
        }
        dims.Reverse();
        sa.Reverse();
        sb.Reverse();
        Dims = dims.ToArray();
        StridesA = sa.ToArray();
        StridesB = sb.ToArray();
    }

    /// <summary>Collapsed output dimensions, outermost first; empty for a one-element output.</summary>
    public int[] Dims { get; }

    public long[] StridesA { get; }

    public long[] StridesB { get; }

    public int Rank => Dims.Length;

    /// <summary>Length of the innermost run (1 for a one-element output).</summary>
    public int Inner => Rank == 0 ? 1 : Dims[^1];

    /// <summary>Whether a (b) advances along the innermost run; when not, it is one value per run.</summary>
    public bool InnerA => Rank > 0 && StridesA[^1] != 0;

    public bool InnerB => Rank > 0 && StridesB[^1] != 0;

    /// <summary>
    /// Offsets into a and b of the start of innermost run number <paramref name="row"/>, and
    /// that run's index over the outer dimensions (length Rank - 1) for <see cref="NextRow"/>.
    /// </summary>
    public void RowOffsets(long row, Span<int> index, out long offsetA, out long offsetB)
    {
        offsetA = 0;
        offsetB = 0;
        for (int i = Rank - 2; i >= 0; i--)
        {
            index[i] = (int)(row % Dims[i]);
            row /= Dims[i];
            offsetA += index[i] * StridesA[i];
            offsetB += index[i] * StridesB[i];
        }
    }

    /// <summary>Steps <paramref name="index"/> and the offsets to the next run (an odometer, no division).</summary>
    public void NextRow(Span<int> index, ref long offsetA, ref long offsetB)
    {
        for (int i = Rank - 2; i >= 0; i--)
        {
            offsetA += StridesA[i];
            offsetB += StridesB[i];
            if (++index[i] < Dims[i]) return;
            offsetA -= StridesA[i] * Dims[i];
            offsetB -= StridesB[i] * Dims[i];
            index[i] = 0;
        }
    }
}
