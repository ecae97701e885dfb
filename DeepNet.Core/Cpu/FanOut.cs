#nullable enable
using System.Runtime.ExceptionServices;

namespace DeepNet.Backends.Cpu;

/// <summary>
/// Runs body(i) for i in [0, count) on the calling thread and up to workers − 1 thread-pool
/// threads, each taking the next unclaimed index. Unlike Parallel.For, the caller never waits
/// for a pool thread that has not started yet: it takes the indices left over itself and waits
/// only for those a pool thread is already running. On a busy machine a pool thread can take
/// milliseconds to be scheduled, which is longer than a small kernel takes on one thread.
/// </summary>
/// <remarks>
/// Which thread runs an index never changes what the index computes, so kernels that split their
/// work by index alone stay bit-identical for any thread count.
/// </remarks>
internal sealed class FanOut : IThreadPoolWorkItem
{
    private readonly int _count;
    private readonly Action<int> _body;
    private readonly object _gate = new();
    private int _next, _done;
    private ExceptionDispatchInfo? _error;

    private FanOut(int count, Action<int> body)
    {
        _count = count;
        _body = body;
    }

    public static void For(int count, int workers, Action<int> body)
    {
        if (count <= 0) return;
        workers = Math.Min(workers, count);
        if (workers <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        var job = new FanOut(count, body);
        for (int w = 1; w < workers; w++) ThreadPool.UnsafeQueueUserWorkItem(job, preferLocal: false);
        job.Execute();
        job.WaitForClaimed();
        job._error?.Throw();
    }

    /// <summary>Takes indices until none is left (a pool thread that starts late finds none and returns).</summary>
    public void Execute()
    {
        int i;
        while ((i = Interlocked.Increment(ref _next) - 1) < _count)
        {
            try
            {
                _body(i);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
            }
            finally
            {
                if (Interlocked.Increment(ref _done) == _count)
                {
                    lock (_gate) Monitor.PulseAll(_gate);
                }
            }
        }
    }

    /// <summary>Every index is claimed once the caller's Execute returns; waits for the ones still running.</summary>
    private void WaitForClaimed()
    {
        var spin = new SpinWait();
        while (Volatile.Read(ref _done) < _count && !spin.NextSpinWillYield) spin.SpinOnce();
        if (Volatile.Read(ref _done) >= _count) return;
        lock (_gate)
        {
            while (Volatile.Read(ref _done) < _count) Monitor.Wait(_gate);
        }
    }
}
