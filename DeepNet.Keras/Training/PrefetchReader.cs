using System.Collections.Concurrent;

namespace DeepNet.Keras.Training;

/// <summary>
/// Reads batches of a <see cref="DataSource"/> in a given order on a background thread, keeping
/// at most <c>capacity</c> batches ready. Errors in the source surface on the consuming thread.
/// Disposing stops the reader and frees the batches it had made but not handed out.
/// </summary>
internal sealed class PrefetchReader : IDisposable
{
    private readonly BlockingCollection<DataBatch> _queue;
    private readonly CancellationTokenSource _cancel = new();
    private readonly Task _task;
    private Exception? _error;

    public PrefetchReader(DataSource source, IReadOnlyList<int> order, int capacity = 4)
    {
        _queue = new BlockingCollection<DataBatch>(capacity);
        _task = Task.Factory.StartNew(() =>
        {
            try
            {
                foreach (int index in order)
                {
                    var batch = source.GetBatch(index);
                    _queue.Add(batch, _cancel.Token);
                }
            }
            catch (OperationCanceledException) { }
            catch (Exception e)
            {
                _error = e;
            }
            finally
            {
                _queue.CompleteAdding();
            }
        }, TaskCreationOptions.LongRunning);
    }

    /// <summary>The next batch, or null at the end.</summary>
    public DataBatch? Next()
    {
        if (_queue.TryTake(out var batch, Timeout.Infinite)) return batch;
        if (_error is not null) throw new InvalidOperationException($"The data source failed while reading a batch: {_error.Message}", _error);
        return null;
    }

    public void Dispose()
    {
        _cancel.Cancel();
        try { _task.Wait(); } catch (AggregateException) { }
        while (_queue.TryTake(out var left)) Free(left);
        _queue.Dispose();
        _cancel.Dispose();
    }

    public static void Free(DataBatch batch)
    {
        foreach (var t in batch.X) t.Dispose();
        foreach (var t in batch.Y) t.Dispose();
        batch.SampleWeight?.Dispose();
    }
}
