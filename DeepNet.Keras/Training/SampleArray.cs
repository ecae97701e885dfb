using System.Buffers;
using DeepNet.Backends;

namespace DeepNet.Keras.Training;

/// <summary>
/// Training data kept on the host, one sample per row (float32, int32 or int64), from which
/// batches are cut by index and uploaded. Keeping the data on the host lets any backend train
/// on it and lets batches be drawn in any shuffled order without device gathers.
/// </summary>
internal sealed class SampleArray
{
    private readonly Array _data;

    private SampleArray(Array data, DType dtype, int count, int[] sampleDims)
    {
        _data = data;
        DType = dtype;
        Count = count;
        SampleDims = sampleDims;
        SampleSize = 1;
        foreach (int d in sampleDims) SampleSize *= d;
    }

    public DType DType { get; }

    /// <summary>Number of samples (rows).</summary>
    public int Count { get; }

    /// <summary>Shape of one sample.</summary>
    public int[] SampleDims { get; }

    public int SampleSize { get; }

    /// <summary>Shape of the whole array.</summary>
    public Shape Shape => new([Count, .. SampleDims]);

    public static SampleArray FromTensor(Tensor t, string what)
    {
        ArgumentNullException.ThrowIfNull(t, what);
        if (t.Rank == 0) throw new ArgumentException($"{what} must have a batch axis; received a scalar tensor.");
        var dims = t.Shape.ToArray()[1..];
        Array data = t.DType switch
        {
            DType.Float32 => t.ToArray<float>(),
            DType.Int32 => t.ToArray<int>(),
            _ => t.ToArray<long>(),
        };
        return new SampleArray(data, t.DType, t.Shape[0], dims);
    }

    public static SampleArray FromFloats(float[] data, int count, params int[] sampleDims) => new(data, DType.Float32, count, sampleDims);

    public static SampleArray FromInts(int[] data, int count, params int[] sampleDims) => new(data, DType.Int32, count, sampleDims);

    public static SampleArray FromArray(float[,] data) =>
        FromFloats(Flatten(data), data.GetLength(0), data.GetLength(1));

    private static float[] Flatten(float[,] data)
    {
        var flat = new float[data.Length];
        Buffer.BlockCopy(data, 0, flat, 0, data.Length * sizeof(float));
        return flat;
    }

    /// <summary>Rows [start, start + count) as a new array (copies).</summary>
    public SampleArray Slice(int start, int count)
    {
        var data = Array.CreateInstance(_data.GetType().GetElementType()!, (long)count * SampleSize);
        Array.Copy(_data, (long)start * SampleSize, data, 0, (long)count * SampleSize);
        return new SampleArray(data, DType, count, SampleDims);
    }

    /// <summary>The float value of element <paramref name="index"/> (for class weights).</summary>
    public double Element(long index) => DType switch
    {
        DType.Float32 => ((float[])_data)[index],
        DType.Int32 => ((int[])_data)[index],
        _ => ((long[])_data)[index],
    };

    /// <summary>A tensor holding the rows <paramref name="indices"/>, in that order.</summary>
    public Tensor Gather(ReadOnlySpan<int> indices, IBackend backend) => DType switch
    {
        DType.Float32 => GatherAs((float[])_data, indices, backend),
        DType.Int32 => GatherAs((int[])_data, indices, backend),
        _ => GatherAs((long[])_data, indices, backend),
    };

    private Tensor GatherAs<T>(T[] source, ReadOnlySpan<int> indices, IBackend backend) where T : unmanaged
    {
        int n = indices.Length * SampleSize;
        var buffer = ArrayPool<T>.Shared.Rent(Math.Max(n, 1));
        try
        {
            for (int i = 0; i < indices.Length; i++)
                Array.Copy(source, (long)indices[i] * SampleSize, buffer, (long)i * SampleSize, SampleSize);
            return Tensor.FromSpan<T>(buffer.AsSpan(0, n), new Shape([indices.Length, .. SampleDims]), backend);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(buffer);
        }
    }
}
