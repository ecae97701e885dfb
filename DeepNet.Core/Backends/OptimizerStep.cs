#nullable enable
namespace DeepNet.Backends;

/// <summary>
/// Fused update rules, Keras's exact formulas (keras-compat §5.2). The slots each one reads and
/// writes, in order, are listed per member; all slots have the variable's shape.
/// </summary>
public enum OptimizerKind
{
    /// <summary>Slots: [momentum] when Momentum &gt; 0, else none. Nesterov applies with momentum only.</summary>
    Sgd,
    /// <summary>
    /// Slots: [velocity, (momentum when Momentum &gt; 0), (average gradient when Centered)].
    /// Uses Rho, Epsilon (inside the square root), Momentum, Centered.
    /// </summary>
    RmsProp,
    /// <summary>
    /// Slots: [m, v, (v̂ when Amsgrad)]. Also AdamW (decay applied first, through WeightDecay).
    /// Epsilon is added to the uncorrected √v; α = lr·√(1−β₂ᵗ)/(1−β₁ᵗ) is computed from Iteration.
    /// </summary>
    Adam,
    /// <summary>Slots: [accumulator] (initialised by the caller to initial_accumulator_value, Keras 0.1).</summary>
    Adagrad,
    /// <summary>Slots: [accumulated gradient, accumulated delta]. Uses Rho (set it: Keras's default is 0.95).</summary>
    Adadelta,
    /// <summary>Slots: [m, u] (u the exponentially weighted infinity norm).</summary>
    Adamax,
    /// <summary>
    /// Slots: [m, v]; uses NadamMu, NadamMuNext and NadamMuProduct, computed on the host per step
    /// (the product is optimizer state the caller keeps across steps).
    /// </summary>
    Nadam,
    /// <summary>
    /// Slots: [accumulator (initialised to initial_accumulator_value, Keras 0.1), linear (zeros)].
    /// Uses LearningRatePower, L1, L2, L2Shrinkage, FtrlBeta.
    /// </summary>
    Ftrl,
    /// <summary>Slots: [m]. Uses Beta1 and Beta2 (set it: Keras's Lion default is 0.99).</summary>
    Lion,
}

/// <summary>
/// Hyper-parameters of one optimizer step. <see cref="Iteration"/> is t, counted from 1 at the
/// first step. WeightDecay (decoupled, applied as w ← w − lr·wd·w before the rule) works with any
/// kind.
/// </summary>
public readonly record struct OptimizerStep(
    OptimizerKind Kind,
    float LearningRate,
    long Iteration,
    float Beta1 = 0.9f,
    float Beta2 = 0.999f,
    float Epsilon = 1e-7f,
    float Momentum = 0f,
    float Rho = 0.9f,
    bool Nesterov = false,
    bool Centered = false,
    bool Amsgrad = false,
    float WeightDecay = 0f,
    // Nadam: μ_t, μ_{t+1} and Π_t = ∏_{i≤t} μ_i, computed on the host (double precision).
    float NadamMu = 0f,
    float NadamMuNext = 0f,
    float NadamMuProduct = 0f,
    // Ftrl
    float LearningRatePower = -0.5f,
    float L1 = 0f,
    float L2 = 0f,
    float L2Shrinkage = 0f,
    float FtrlBeta = 0f);
