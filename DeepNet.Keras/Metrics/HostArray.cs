namespace DeepNet.Keras.Metrics;

/// <summary>
/// A tensor copied to the host as doubles, with its shape: what the metrics compute on. Metric
/// inputs are one batch of labels and predictions, so the copy is small.
/// </summary>
internal sealed class HostArray
{
    public HostArray(double[] data, int[] shape)
    {
        Data = data;
        Shape = shape;
    }

    public double[] Data { get; }

    public int[] Shape { get; }

    public int Rank => Shape.Length;

    public int Length => Data.Length;

    /// <summary>Size of the last axis (1 for a scalar).</summary>
    public int Last => Shape.Length == 0 ? 1 : Shape[^1];

    public static HostArray Read(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        double[] data;
        switch (t.DType)
        {
            case DType.Float32:
            {
                var values = t.ToArray<float>();
                data = new double[values.Length];
                for (int i = 0; i < values.Length; i++) data[i] = values[i];
                break;
            }
            case DType.Int32:
            {
                var values = t.ToArray<int>();
                data = new double[values.Length];
                for (int i = 0; i < values.Length; i++) data[i] = values[i];
                break;
            }
            default:
            {
                var values = t.ToArray<long>();
                data = new double[values.Length];
                for (int i = 0; i < values.Length; i++) data[i] = values[i];
                break;
            }
        }
        return new HostArray(data, t.Shape.ToArray());
    }

    public HostArray WithShape(int[] shape) => new(Data, shape);

    /// <summary>Keras's <c>squeeze_or_expand_to_same_rank</c> on shapes (the data does not move).</summary>
    public static (HostArray X1, HostArray X2) SqueezeOrExpand(HostArray x1, HostArray x2, bool expandRank1 = true)
    {
        if (x1.Rank == x2.Rank + 1 && x1.Last == 1 && x1.Rank > 0)
            return x2.Rank == 1 && expandRank1 ? (x1, x2.WithShape([.. x2.Shape, 1])) : (x1.WithShape(x1.Shape[..^1]), x2);
        if (x2.Rank == x1.Rank + 1 && x2.Last == 1 && x2.Rank > 0)
            return x1.Rank == 1 && expandRank1 ? (x1.WithShape([.. x1.Shape, 1]), x2) : (x1, x2.WithShape(x2.Shape[..^1]));
        return (x1, x2);
    }

    /// <summary>
    /// Size-1 axes appended while this array has a lower rank than <paramref name="other"/> and
    /// the same first axis, so per-sample values (N,) line up with per-entry ones (N, T).
    /// </summary>
    public HostArray ExpandTrailing(HostArray other)
    {
        if (Rank == 0 || Rank >= other.Rank || Shape[0] != other.Shape[0]) return this;
        var shape = new int[other.Rank];
        Array.Fill(shape, 1);
        Shape.CopyTo(shape, 0);
        return WithShape(shape);
    }

    /// <summary>Numpy broadcasting of this array to <paramref name="shape"/> (dims aligned on the right).</summary>
    public HostArray BroadcastTo(int[] shape, string metric)
    {
        if (Shape.AsSpan().SequenceEqual(shape)) return this;
        if (Rank > shape.Length) throw Mismatch(shape, metric);
        int offset = shape.Length - Rank;
        for (int i = 0; i < Rank; i++)
            if (Shape[i] != 1 && Shape[i] != shape[offset + i]) throw Mismatch(shape, metric);
        long size = 1;
        foreach (int d in shape) size *= d;
        var result = new double[size];
        var index = new int[shape.Length];
        for (long e = 0; e < size; e++)
        {
            long source = 0;
            for (int i = 0; i < Rank; i++) source = source * Shape[i] + (Shape[i] == 1 ? 0 : index[offset + i]);
            result[e] = Data[source];
            for (int a = shape.Length - 1; a >= 0; a--)
            {
                if (++index[a] < shape[a]) break;
                index[a] = 0;
            }
        }
        return new HostArray(result, shape);
    }

    private ShapeMismatchException Mismatch(int[] shape, string metric) =>
        new(metric, $"cannot broadcast shape {new DeepNet.Shape(Shape)} to {new DeepNet.Shape(shape)}.");

    /// <summary>Mean over every axis from <paramref name="keepRank"/> on (rows × rest, row-major).</summary>
    public HostArray MeanTrailing(int keepRank)
    {
        if (Rank <= keepRank) return this;
        int rows = 1;
        for (int i = 0; i < keepRank; i++) rows *= Shape[i];
        int inner = rows == 0 ? 0 : Length / rows;
        var result = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int j = 0; j < inner; j++) sum += Data[r * inner + j];
            result[r] = inner == 0 ? double.NaN : sum / inner;
        }
        return new HostArray(result, Shape[..keepRank]);
    }

    /// <summary>Index of the first largest value along the last axis, per row (numpy argmax).</summary>
    public int[] ArgMaxLast()
    {
        int k = Last, rows = k == 0 ? 0 : Length / k;
        var result = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            int best = 0;
            for (int j = 1; j < k; j++)
                if (Data[r * k + j] > Data[r * k + best]) best = j;
            result[r] = best;
        }
        return result;
    }
}
