namespace DeepNet.Keras.Training;

/// <summary>
/// One batch from a <see cref="DataSource"/>: inputs, targets and optional per-sample weights.
/// The tensors belong to whoever receives the batch (the training loop disposes them).
/// </summary>
public sealed record DataBatch(IReadOnlyList<Tensor> X, IReadOnlyList<Tensor> Y, Tensor? SampleWeight = null);

/// <summary>
/// A source of batches (Keras <c>keras.utils.PyDataset</c>, formerly <c>Sequence</c>): the number
/// of batches per epoch and a way to get batch <c>index</c>. Fit reads it on a background thread
/// with a small prefetch queue, so <see cref="GetItem"/> must be safe to call from another
/// thread than the one that made the source.
/// </summary>
public abstract class DataSource
{
    /// <summary>Number of batches in one epoch (Keras <c>__len__</c>).</summary>
    public abstract int Count { get; }

    /// <summary>Batch <paramref name="index"/>: (inputs, targets) (Keras <c>__getitem__</c>).</summary>
    public abstract (Tensor X, Tensor Y) GetItem(int index);

    /// <summary>Batch <paramref name="index"/> with several inputs/targets or sample weights; defaults to <see cref="GetItem"/>.</summary>
    public virtual DataBatch GetBatch(int index)
    {
        var (x, y) = GetItem(index);
        return new DataBatch([x], [y]);
    }

    /// <summary>Called after each epoch (Keras <c>on_epoch_end</c>), e.g. to reshuffle.</summary>
    public virtual void OnEpochEnd() { }
}
