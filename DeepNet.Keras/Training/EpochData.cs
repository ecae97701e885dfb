using DeepNet.Backends;
using DeepNet.Keras.Utils;

namespace DeepNet.Keras.Training;

/// <summary>Where Fit, Evaluate and Predict get their batches from: arrays or a data source.</summary>
internal abstract class EpochData
{
    /// <summary>Batches in one full pass.</summary>
    public abstract int Steps { get; }

    /// <summary>
    /// The batches of one pass (at most <paramref name="maxSteps"/>), shuffled or not. Each batch's
    /// tensors belong to the caller, who frees them (<see cref="PrefetchReader.Free"/>).
    /// </summary>
    public abstract IEnumerable<DataBatch> Batches(bool shuffle, int? maxSteps);

    public virtual void OnEpochEnd() { }
}

/// <summary>In-memory inputs, targets and sample weights cut into batches of <see cref="BatchSize"/>.</summary>
internal sealed class ArrayEpochData : EpochData
{
    public ArrayEpochData(IReadOnlyList<SampleArray> x, IReadOnlyList<SampleArray>? y, SampleArray? sampleWeight, int batchSize, IBackend backend)
    {
        if (x.Count == 0) throw new ArgumentException("No input data was given.");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batch_size must be a positive integer. Received: batch_size={batchSize}");
        int n = x[0].Count;
        foreach (var a in x.Concat(y ?? Array.Empty<SampleArray>()).Append(sampleWeight))
        {
            if (a is not null && a.Count != n)
                throw new ArgumentException($"Data cardinality is ambiguous: all arrays must contain the same number of samples. Sizes: x {string.Join(", ", x.Select(v => v.Shape))}, y {string.Join(", ", (y ?? Array.Empty<SampleArray>()).Select(v => v.Shape))}{(sampleWeight is null ? "" : $", sample_weight {sampleWeight.Shape}")}.");
        }
        X = x;
        Y = y;
        SampleWeight = sampleWeight;
        BatchSize = batchSize;
        Backend = backend;
        Count = n;
    }

    public IReadOnlyList<SampleArray> X { get; }

    public IReadOnlyList<SampleArray>? Y { get; }

    public SampleArray? SampleWeight { get; }

    public int BatchSize { get; }

    public IBackend Backend { get; }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    public override int Steps => (Count + BatchSize - 1) / BatchSize;

    public override IEnumerable<DataBatch> Batches(bool shuffle, int? maxSteps)
    {
        var order = new int[Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        if (shuffle) KerasRandom.Shared.Shuffle(order);
        int steps = Math.Min(Steps, maxSteps ?? int.MaxValue);
        for (int s = 0; s < steps; s++)
        {
            int start = s * BatchSize;
            var idx = order.AsMemory(start, Math.Min(BatchSize, Count - start));
            yield return Batch(idx.Span);
        }
    }

    private DataBatch Batch(ReadOnlySpan<int> idx)
    {
        var xs = new Tensor[X.Count];
        for (int i = 0; i < xs.Length; i++) xs[i] = X[i].Gather(idx, Backend);
        var ys = new Tensor[Y?.Count ?? 0];
        for (int i = 0; i < ys.Length; i++) ys[i] = Y![i].Gather(idx, Backend);
        return new DataBatch(xs, ys, SampleWeight?.Gather(idx, Backend));
    }
}

/// <summary>A <see cref="DataSource"/> read on a background thread.</summary>
internal sealed class SourceEpochData : EpochData
{
    private readonly DataSource _source;

    public SourceEpochData(DataSource source) => _source = source;

    public override int Steps => _source.Count;

    public override IEnumerable<DataBatch> Batches(bool shuffle, int? maxSteps)
    {
        var order = Enumerable.Range(0, Math.Min(_source.Count, maxSteps ?? int.MaxValue)).ToArray();
        if (shuffle) KerasRandom.Shared.Shuffle(order);
        using var reader = new PrefetchReader(_source, order);
        while (reader.Next() is { } batch) yield return batch;
    }

    public override void OnEpochEnd() => _source.OnEpochEnd();
}
