#nullable enable
using System.Runtime.InteropServices;
using DeepNet.Backends;
using DeepNet.Memory;

namespace DeepNet;

/// <summary>
/// An n-dimensional, row-major, contiguous array on one device (float32 by default; int32/int64
/// for indices and labels). Data moves to and from the host only through explicit calls
/// (<see cref="ToArray"/>, <see cref="ToArray2D"/>, ...). <see cref="Reshape(int[])"/> is a view;
/// other ops may copy. Disposing a tensor returns its memory to the backend's pool once no view
/// uses it; tensors created inside a <see cref="TensorScope"/> are disposed when it ends.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private DeviceBuffer? _buffer;

    internal Tensor(IBackend backend, DeviceBuffer buffer, Shape shape, DType dtype)
    {
        Backend = backend;
        _buffer = buffer;
        Shape = shape;
        DType = dtype;
        TensorScope.Register(this);
    }

    public Shape Shape { get; }

    public DType DType { get; }

    public IBackend Backend { get; }

    public int Rank => Shape.Rank;

    /// <summary>Number of elements.</summary>
    public long Size => Shape.Size;

    public bool IsDisposed => _buffer is null;

    /// <summary>The device memory behind the tensor (for backends and kernels).</summary>
    public DeviceBuffer Buffer => _buffer ?? throw new ObjectDisposedException(nameof(Tensor), $"Tensor{Shape} was disposed.");

    // ---- creation ----------------------------------------------------------------------------

    /// <summary>An uninitialised tensor on <paramref name="backend"/> (default: the current backend).</summary>
    public static Tensor Empty(Shape shape, DType dtype = DType.Float32, IBackend? backend = null)
    {
        backend ??= DeepNet.Backends.Backend.Current;
        return new Tensor(backend, backend.Allocate(shape.Size, dtype), shape, dtype);
    }

    public static Tensor Full(Shape shape, float value, IBackend? backend = null)
    {
        var t = Empty(shape, DType.Float32, backend);
        t.Backend.Fill(t, value);
        return t;
    }

    public static Tensor Zeros(Shape shape, DType dtype = DType.Float32, IBackend? backend = null)
    {
        var t = Empty(shape, dtype, backend);
        t.Backend.Fill(t, 0f);
        return t;
    }

    public static Tensor Ones(Shape shape, IBackend? backend = null) => Full(shape, 1f, backend);

    /// <summary>A rank-0 tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(float value, IBackend? backend = null) => Full(Shape.Scalar, value, backend);

    /// <summary>Copies host data into a new tensor; <paramref name="shape"/> defaults to 1-D.</summary>
    public static Tensor FromArray<T>(T[] data, Shape? shape = null, IBackend? backend = null) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        shape ??= new Shape(data.Length);
        return FromSpan<T>(data, shape, backend);
    }

    /// <summary>Copies host data into a new tensor of the given shape.</summary>
    public static Tensor FromSpan<T>(ReadOnlySpan<T> data, Shape shape, IBackend? backend = null) where T : unmanaged
    {
        if (data.Length != shape.Size)
            throw new ShapeMismatchException("Tensor.FromArray", $"{data.Length} values cannot fill shape {shape} ({shape.Size} elements).");
        var t = Empty(shape, DTypeExtensions.Of<T>(), backend);
        t.Backend.Upload(data, t);
        return t;
    }

    public Tensor(float[] data) : this(data, data.Length) { }

    public Tensor(float[,] data) : this(data, data.GetLength(0), data.GetLength(1)) { }

    public Tensor(float[,,] data) : this(data, data.GetLength(0), data.GetLength(1), data.GetLength(2)) { }

    public Tensor(float[,,,] data) : this(data, data.GetLength(0), data.GetLength(1), data.GetLength(2), data.GetLength(3)) { }

    private Tensor(Array data, params int[] dims) : this(DeepNet.Backends.Backend.Current, new Shape(dims))
    {
        Backend.Upload<float>(MemoryMarshal.CreateReadOnlySpan(ref ArrayData(data), checked((int)Size)), this);
    }

    private Tensor(IBackend backend, Shape shape) : this(backend, backend.Allocate(shape.Size, DType.Float32), shape, DType.Float32) { }

    private static ref float ArrayData(Array data) =>
        ref System.Runtime.CompilerServices.Unsafe.As<byte, float>(ref MemoryMarshal.GetArrayDataReference(data));

    // ---- host transfer -----------------------------------------------------------------------

    /// <summary>Copies the elements to a new host array (row-major).</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        CheckDType(DTypeExtensions.Of<T>(), "ToArray");
        var result = new T[Size];
        Backend.Download(this, result.AsSpan());
        return result;
    }

    /// <summary>Copies float32 elements to a new host array (row-major).</summary>
    public float[] ToArray() => ToArray<float>();

    public float[,] ToArray2D()
    {
        CheckRank(2, "ToArray2D");
        var result = new float[Shape[0], Shape[1]];
        CopyTo(result);
        return result;
    }

    public float[,,] ToArray3D()
    {
        CheckRank(3, "ToArray3D");
        var result = new float[Shape[0], Shape[1], Shape[2]];
        CopyTo(result);
        return result;
    }

    public float[,,,] ToArray4D()
    {
        CheckRank(4, "ToArray4D");
        var result = new float[Shape[0], Shape[1], Shape[2], Shape[3]];
        CopyTo(result);
        return result;
    }

    /// <summary>The single value of a one-element float tensor.</summary>
    public float ToScalar()
    {
        if (Size != 1) throw new InvalidOperationException($"ToScalar needs a one-element tensor; this one has shape {Shape}.");
        Span<float> one = stackalloc float[1];
        CheckDType(DType.Float32, "ToScalar");
        Backend.Download(this, one);
        return one[0];
    }

    private void CopyTo(Array destination)
    {
        CheckDType(DType.Float32, "ToArray");
        var span = MemoryMarshal.CreateSpan(ref ArrayData(destination), checked((int)Size));
        Backend.Download(this, span);
    }

    // ---- views -------------------------------------------------------------------------------

    /// <summary>
    /// The same data seen with another shape (one dimension may be -1). A view: no copy, and
    /// writes through either tensor are seen by both.
    /// </summary>
    public Tensor Reshape(params int[] dims)
    {
        var shape = Shape.Infer(Size, dims);
        if (shape.Size != Size)
            throw new ShapeMismatchException("Reshape", $"cannot reshape {Shape} ({Size} elements) into {shape} ({shape.Size} elements).");
        return View(shape);
    }

    /// <summary>A view of the same data with another shape of the same size.</summary>
    public Tensor Reshape(Shape shape) => Reshape(shape.ToArray());

    private Tensor View(Shape shape)
    {
        Buffer.AddReference();
        return new Tensor(Backend, Buffer, shape, DType);
    }

    /// <summary>Copies the tensor to another backend (through the host when the devices differ).</summary>
    public Tensor To(IBackend backend)
    {
        if (ReferenceEquals(backend, Backend))
        {
            var copy = Empty(Shape, DType, backend);
            backend.Copy(this, copy);
            return copy;
        }
        var t = Empty(Shape, DType, backend);
        switch (DType)
        {
            case DType.Float32: backend.Upload<float>(ToArray<float>(), t); break;
            case DType.Int32: backend.Upload<int>(ToArray<int>(), t); break;
            default: backend.Upload<long>(ToArray<long>(), t); break;
        }
        return t;
    }

    // ---- checks ------------------------------------------------------------------------------

    internal void CheckDType(DType expected, string op)
    {
        if (DType != expected)
            throw new ArgumentException($"{op}: expected a {expected.Name()} tensor, got {DType.Name()} with shape {Shape}.");
    }

    private void CheckRank(int rank, string op)
    {
        if (Rank != rank) throw new ShapeMismatchException(op, $"needs a rank-{rank} tensor, got shape {Shape}.");
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        buffer?.RemoveReference();
    }

    public override string ToString() => $"Tensor(shape={Shape}, dtype={DType.Name()}, backend={Backend.Name})";
}
