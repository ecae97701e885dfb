using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>How per-sample losses become the value returned by <see cref="Loss.Call"/>.</summary>
public enum Reduction
{
    /// <summary>Keras default: Σ(loss·weight) / number of elements (not Σweight).</summary>
    SumOverBatchSize,
    Sum,
    None,
    /// <summary>Σ(loss·weight) / Σweight.</summary>
    MeanWithSampleWeight,
}

/// <summary>
/// A loss (Keras <c>keras.losses.Loss</c>): a per-sample function plus the shared handling of
/// sample weights and reduction. Written with Ops only, so the tape differentiates it.
/// </summary>
public abstract class Loss
{
    protected Loss(string name, Reduction reduction)
    {
        Name = name;
        Reduction = reduction;
    }

    /// <summary>Name in logs and configs (<c>categorical_crossentropy</c>).</summary>
    public string Name { get; }

    public Reduction Reduction { get; }

    /// <summary>
    /// The reduced loss: a scalar tensor (or per-sample losses for <see cref="Reduction.None"/>).
    /// <paramref name="sampleWeight"/> has the batch shape (or broadcasts to the per-sample losses).
    /// </summary>
    public abstract Tensor Call(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null);

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> that says what is wrong and which loss fits when
    /// labels cannot go with this loss (e.g. integer labels given to categorical_crossentropy).
    /// </summary>
    public virtual void Validate(Shape yTrue, DType yTrueType, Shape yPred) { }

    public abstract string ClassName { get; }

    public abstract JObject GetConfig();
}
