#nullable enable
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using DeepNet.Backends;

namespace DeepNet.Numpy;

/// <summary>
/// An array as stored in a .npy file: its shape, its dtype descr (such as <c>&lt;f4</c> or
/// <c>|u1</c>) and its raw element bytes, unconverted, so the caller chooses the element type:
/// <see cref="ToFloat32"/>, <see cref="ToInt32"/>, <see cref="ToTensor"/>, or the bytes as they are.
/// Elements are kept little-endian (big-endian files are byte-swapped on read), so
/// <see cref="Descr"/> is always the little-endian spelling.
/// </summary>
public sealed class NpyArray
{
    private readonly byte[] _data;

    internal NpyArray(NpyDescr descr, Shape shape, byte[] data)
    {
        DescrInfo = descr.LittleEndian;
        Shape = shape;
        _data = data;
    }

    /// <summary>Copies <paramref name="data"/> (float, double, int, long, byte, bool, ...) into a new array; the shape defaults to 1-D.</summary>
    public static NpyArray Create<T>(T[] data, Shape? shape = null) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        shape ??= new Shape(data.Length);
        if (data.Length != shape.Size)
            throw new ShapeMismatchException("NpyArray.Create", $"{data.Length} values cannot fill shape {shape} ({shape.Size} elements).");
        var descr = NpyDescr.Of<T>();
        return new NpyArray(descr, shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());
    }

    /// <summary>Copies a tensor's elements to the host as a <c>&lt;f4</c>, <c>&lt;i4</c> or <c>&lt;i8</c> array.</summary>
    public static NpyArray FromTensor(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var data = new byte[checked(tensor.Size * tensor.DType.SizeInBytes())];
        switch (tensor.DType)
        {
            case DType.Float32:
                tensor.Backend.Download(tensor, MemoryMarshal.Cast<byte, float>(data.AsSpan()));
                return new NpyArray(NpyDescr.Float32, tensor.Shape, data);
            case DType.Int32:
                tensor.Backend.Download(tensor, MemoryMarshal.Cast<byte, int>(data.AsSpan()));
                return new NpyArray(NpyDescr.Int32, tensor.Shape, data);
            default:
                tensor.Backend.Download(tensor, MemoryMarshal.Cast<byte, long>(data.AsSpan()));
                return new NpyArray(NpyDescr.Int64, tensor.Shape, data);
        }
    }

    public Shape Shape { get; }

    /// <summary>The numpy dtype descr, little-endian spelling: <c>&lt;f4 &lt;f8 |i1 &lt;i2 &lt;i4 &lt;i8 |u1 &lt;u2 &lt;u4 &lt;u8 |b1</c>.</summary>
    public string Descr => DescrInfo.ToString();

    internal NpyDescr DescrInfo { get; }

    /// <summary>Number of elements.</summary>
    public long Count => Shape.Size;

    /// <summary>Bytes per element.</summary>
    public int ItemSize => DescrInfo.ItemSize;

    /// <summary>The raw element bytes, row-major, little-endian (for <c>|u1</c> data: the values themselves).</summary>
    public ReadOnlySpan<byte> AsBytes => _data;

    /// <summary>
    /// The element type <see cref="ToTensor"/> produces: float32 for floats (float64 is narrowed),
    /// for <c>|u1</c> (pixels) and for <c>|b1</c> (masks); int32 for <c>|i1 &lt;i2 &lt;u2 &lt;i4</c>;
    /// int64 for <c>&lt;i8 &lt;u4 &lt;u8</c>.
    /// </summary>
    public DType TensorDType => DescrInfo switch
    {
        { Kind: 'f' } or { Kind: 'b' } or { Kind: 'u', ItemSize: 1 } => DType.Float32,
        { ItemSize: 8 } or { Kind: 'u', ItemSize: 4 } => DType.Int64,
        _ => DType.Int32,
    };

    /// <summary>The elements as float32 (float64 rounds to nearest; large int64 values lose precision).</summary>
    public float[] ToFloat32() => Convert<float>(nameof(ToFloat32));

    /// <summary>The elements as float64.</summary>
    public double[] ToFloat64() => Convert<double>(nameof(ToFloat64));

    /// <summary>The elements of an integer or bool array as int32; throws if a value does not fit.</summary>
    public int[] ToInt32() => Convert<int>(nameof(ToInt32));

    /// <summary>The elements of an integer or bool array as int64; throws if a <c>&lt;u8</c> value does not fit.</summary>
    public long[] ToInt64() => Convert<long>(nameof(ToInt64));

    /// <summary>A new tensor of type <see cref="TensorDType"/> holding the elements.</summary>
    public Tensor ToTensor(IBackend? backend = null)
    {
        // Types the tensor holds as they are go straight from the bytes, without a converted copy.
        if (DescrInfo == NpyDescr.Float32) return Tensor.FromSpan(MemoryMarshal.Cast<byte, float>(_data.AsSpan()), Shape, backend);
        if (DescrInfo == NpyDescr.Int32) return Tensor.FromSpan(MemoryMarshal.Cast<byte, int>(_data.AsSpan()), Shape, backend);
        if (DescrInfo == NpyDescr.Int64) return Tensor.FromSpan(MemoryMarshal.Cast<byte, long>(_data.AsSpan()), Shape, backend);
        return TensorDType switch
        {
            DType.Float32 => Tensor.FromArray(ToFloat32(), Shape, backend),
            DType.Int32 => Tensor.FromArray(ToInt32(), Shape, backend),
            _ => Tensor.FromArray(ToInt64(), Shape, backend),
        };
    }

    public override string ToString() => $"NpyArray(shape={Shape}, descr='{Descr}')";

    private T[] Convert<T>(string method) where T : unmanaged, INumberBase<T>
    {
        bool toInteger = typeof(T) == typeof(int) || typeof(T) == typeof(long);
        if (toInteger && DescrInfo.Kind == 'f')
            throw new InvalidOperationException($"{method}: the array holds floating-point data ('{Descr}'); use ToFloat32 or ToFloat64.");
        var result = new T[Count];
        try
        {
            switch (DescrInfo.Kind, DescrInfo.ItemSize)
            {
                case ('f', 4): Convert<float, T>(result); break;
                case ('f', 8): Convert<double, T>(result); break;
                case ('i', 1): Convert<sbyte, T>(result); break;
                case ('i', 2): Convert<short, T>(result); break;
                case ('i', 4): Convert<int, T>(result); break;
                case ('i', 8): Convert<long, T>(result); break;
                case ('u', 1) or ('b', 1): Convert<byte, T>(result); break;
                case ('u', 2): Convert<ushort, T>(result); break;
                case ('u', 4): Convert<uint, T>(result); break;
                default: Convert<ulong, T>(result); break;
            }
        }
        catch (OverflowException e)
        {
            throw new OverflowException($"{method}: a '{Descr}' value does not fit in {typeof(T).Name}.", e);
        }
        return result;
    }

    private void Convert<TFrom, TTo>(Span<TTo> destination)
        where TFrom : unmanaged, INumberBase<TFrom>
        where TTo : unmanaged, INumberBase<TTo>
    {
        var source = MemoryMarshal.Cast<byte, TFrom>(_data.AsSpan());
        // Checked conversions catch int64 → int32 overflow; to floats nothing overflows, and
        // truncating float64 → float32 means ordinary rounding to the nearest float32.
        if (typeof(TTo) == typeof(float) || typeof(TTo) == typeof(double)) TensorPrimitives.ConvertTruncating(source, destination);
        else TensorPrimitives.ConvertChecked(source, destination);
    }
}
