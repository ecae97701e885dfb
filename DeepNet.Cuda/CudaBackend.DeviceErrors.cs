#nullable enable
using DeepNet.Cuda.Interop;

namespace DeepNet.Cuda;

// Index checks on the device. Kernels that read indices (Gather, ScatterAdd and so embedding
// lookups and their gradients) test each index against its bound, skip a bad element and record
// the first failure in one small record in device memory: word 0 the op (claimed with atomicCAS,
// so only the first failure is kept), then the index, the bound and the index's position.
// Reading the record needs the device to have finished, so the host looks at it only where it
// synchronises anyway (Download, Synchronize) and throws there: an error is reported at the next
// synchronisation after the kernel, not at the call that queued it, like CUDA device asserts in
// PyTorch. No synchronisation is added inside a training step.
public sealed unsafe partial class CudaBackend
{
    /// <summary>Op ids stored in the device error record (mirrored in common.cuh).</summary>
    internal enum DeviceCheckOp : long
    {
        None = 0,
        Gather = 1,
        ScatterAdd = 2,
    }

    private const int ErrorRecordWords = 4;

    // Taken from the driver on first use (outside the allocator, so it does not show in Memory's
    // counters); it lives as long as the backend. 0 until then.
    private ulong _errorRecord;

    // Set when a checking kernel was queued since the record was last read: a Download with no
    // such kernel before it does not read the record at all.
    private bool _checksPending;

    /// <summary>The device address of the error record, zeroed on first use; marks a check as pending.</summary>
    internal ulong ErrorRecord()
    {
        if (_errorRecord == 0)
        {
            ulong p;
            CudaDriver.Check(CudaDriver.cuMemAlloc(&p, ErrorRecordWords * sizeof(long)));
            _errorRecord = p;
            CudaDriver.Check(CudaDriver.cuMemsetD32Async(_errorRecord, 0, ErrorRecordWords * 2, _stream));
        }
        _checksPending = true;
        return _errorRecord;
    }

    /// <summary>
    /// Throws for a bad index a kernel met since the last check. Call only right after the stream
    /// was synchronised: the record is then final and the copy below waits for nothing.
    /// </summary>
    private void ThrowIfDeviceError()
    {
        if (!_checksPending || _errorRecord == 0) return;
        _checksPending = false;
        long* record = stackalloc long[ErrorRecordWords];
        CudaDriver.Check(CudaDriver.cuMemcpyDtoH(record, _errorRecord, ErrorRecordWords * sizeof(long)));
        if (record[0] == 0) return;
        // Clear it so the next failure is reported on its own; the stream is idle, so this is final too.
        CudaDriver.Check(CudaDriver.cuMemsetD32Async(_errorRecord, 0, ErrorRecordWords * 2, _stream));
        throw DeviceIndexError((DeviceCheckOp)record[0], record[1], record[2], record[3]);
    }

    /// <summary>Gives the record back to the driver (at Dispose, after the stream is idle).</summary>
    private void ReleaseErrorRecord()
    {
        if (_errorRecord == 0) return;
        CudaDriver.cuMemFree(_errorRecord);
        _errorRecord = 0;
    }

    internal static ArgumentOutOfRangeException DeviceIndexError(DeviceCheckOp op, long index, long bound, long position) =>
        new("indices", index,
            $"{op}: index {index} (at flat position {position} of indices) is out of range [0, {bound}). " +
            "Found by the CUDA kernel and reported at the next host synchronisation, so the op that failed may be earlier than this call; " +
            "the bad elements were skipped (gathered as zeros).");
}
