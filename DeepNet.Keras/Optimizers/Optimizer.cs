using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers;

/// <summary>
/// Base of every optimizer (Keras <c>keras.optimizers.Optimizer</c>). It owns what all optimizers
/// share: the iteration counter, the learning rate (a value or a schedule), gradient clipping
/// (clipnorm, clipvalue, global_clipnorm) and decoupled weight decay. A concrete optimizer
/// makes its slot variables in <see cref="Build"/> and runs its rule in <see cref="UpdateStep"/>
/// (one fused backend kernel per variable).
/// </summary>
public abstract class Optimizer
{
    /// <summary>Applies one step to each variable; builds the slots on first use.</summary>
    public abstract void ApplyGradients(IReadOnlyList<Tensor> gradients, IReadOnlyList<Variable> variables);

    /// <summary>Steps taken so far (Keras <c>optimizer.iterations</c>).</summary>
    public abstract long Iterations { get; }

    /// <summary>
    /// The learning rate the next step uses. Setting it replaces a schedule with a constant, as
    /// Keras does when a callback assigns <c>optimizer.learning_rate</c>.
    /// </summary>
    public abstract float LearningRate { get; set; }

    /// <summary>
    /// State in Keras save order: iteration, learning rate (absent with a schedule), then the
    /// slots per trainable variable.
    /// </summary>
    public abstract IReadOnlyList<Variable> Variables { get; }

    public abstract string Name { get; }

    public abstract string ClassName { get; }

    public abstract JObject GetConfig();

    /// <summary>Makes the slot variables for <paramref name="variables"/>.</summary>
    protected abstract void Build(IReadOnlyList<Variable> variables);

    /// <summary>Updates one variable from its (already clipped) gradient.</summary>
    protected abstract void UpdateStep(Tensor gradient, Variable variable, float learningRate);
}
