#nullable enable
using System.Runtime.Intrinsics;
using DeepNet.Memory;

namespace DeepNet.Backends.Cpu;

/// <summary>
/// The pure C# backend, the default everywhere. Memory comes from <see cref="CpuMemoryPool"/>;
/// kernels live in one file per concern (CpuBackend.Gemm.cs, CpuBackend.Conv.cs, ...), each
/// backed by a float64 reference in Cpu/Reference that the tests compare against.
/// </summary>
public sealed partial class CpuBackend : IBackend
{
    private readonly CpuMemoryPool _pool;

    public CpuBackend(CpuMemoryPool? pool = null, int? threads = null)
    {
        _pool = pool ?? CpuMemoryPool.Shared;
        Threads = threads ?? Environment.ProcessorCount;
    }

    public string Name => "cpu";

    /// <summary>Worker threads a kernel may split over.</summary>
    public int Threads { get; }

    public string DeviceDescription =>
        $"CPU ({Threads} threads, {(Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2" : "scalar")})";

    public MemoryStats Memory => _pool.Stats;

    public DeviceBuffer Allocate(long elementCount, DType dtype)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementCount);
        return new CpuBuffer(_pool, elementCount * dtype.SizeInBytes());
    }

    /// <summary>The elements of a CPU tensor as a span (no copy).</summary>
    internal static Span<T> Span<T>(Tensor t) where T : unmanaged => ((CpuBuffer)t.Buffer).AsSpan<T>(t.Size);

    /// <summary>Raw pointer to the elements of a CPU tensor.</summary>
    internal static unsafe T* Pointer<T>(Tensor t) where T : unmanaged => (T*)((CpuBuffer)t.Buffer).Pointer;

    public void Upload<T>(ReadOnlySpan<T> source, Tensor destination) where T : unmanaged
    {
        destination.CheckDType(DTypeExtensions.Of<T>(), "Upload");
        if (source.Length != destination.Size)
            throw new ShapeMismatchException("Upload", $"{source.Length} values for a tensor of shape {destination.Shape}.");
        source.CopyTo(Span<T>(destination));
    }

    public void Download<T>(Tensor source, Span<T> destination) where T : unmanaged
    {
        source.CheckDType(DTypeExtensions.Of<T>(), "Download");
        if (destination.Length != source.Size)
            throw new ShapeMismatchException("Download", $"a destination of {destination.Length} values for a tensor of shape {source.Shape}.");
        Span<T>(source).CopyTo(destination);
    }

    public void Copy(Tensor source, Tensor destination)
    {
        if (source.Size != destination.Size || source.DType != destination.DType)
            throw new ShapeMismatchException("Copy", $"source {source.DType.Name()}{source.Shape} and destination {destination.DType.Name()}{destination.Shape} differ.");
        if (ReferenceEquals(source.Buffer, destination.Buffer)) return;
        Bytes(source).CopyTo(Bytes(destination));
    }

    /// <summary>The raw bytes of a CPU tensor.</summary>
    internal static Span<byte> Bytes(Tensor t) => ((CpuBuffer)t.Buffer).AsSpan<byte>(t.Size * t.DType.SizeInBytes());

    public void Fill(Tensor destination, float value)
    {
        switch (destination.DType)
        {
            case DType.Float32: Span<float>(destination).Fill(value); break;
            case DType.Int32: Span<int>(destination).Fill((int)value); break;
            default: Span<long>(destination).Fill((long)value); break;
        }
    }

    public void Cast(Tensor source, Tensor destination)
    {
        if (source.Size != destination.Size)
            throw new ShapeMismatchException("Cast", $"source {source.Shape} and destination {destination.Shape} differ in size.");
        switch (source.DType, destination.DType)
        {
            case (DType.Float32, DType.Float32) or (DType.Int32, DType.Int32) or (DType.Int64, DType.Int64):
                Copy(source, destination);
                break;
            case (DType.Float32, DType.Int32):
                System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<float, int>(Span<float>(source), Span<int>(destination));
                break;
            case (DType.Float32, DType.Int64):
                System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<float, long>(Span<float>(source), Span<long>(destination));
                break;
            case (DType.Int32, DType.Float32):
                System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<int, float>(Span<int>(source), Span<float>(destination));
                break;
            case (DType.Int64, DType.Float32):
                System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<long, float>(Span<long>(source), Span<float>(destination));
                break;
            case (DType.Int32, DType.Int64):
                System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<int, long>(Span<int>(source), Span<long>(destination));
                break;
            case (DType.Int64, DType.Int32):
                System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<long, int>(Span<long>(source), Span<int>(destination));
                break;
        }
    }

    public void Synchronize() { }

    public void Dispose() { }
}
