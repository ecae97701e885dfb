using DeepNet.Keras.Utils;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>
/// The loss registry (Keras <c>keras.losses.get/serialize/deserialize</c>): class names
/// (<c>CategoricalCrossentropy</c>), function names (<c>categorical_crossentropy</c>), Keras's
/// short aliases (<c>mse</c>, <c>MAE</c>, <c>bce</c>, <c>kld</c>, ...) and serialized objects in
/// the legacy or Keras 3 envelope. A function name gives the class with default arguments.
/// </summary>
public static class Losses
{
    private static readonly KerasRegistry<Loss> s_registry = Build();

    private static KerasRegistry<Loss> Build()
    {
        var r = new KerasRegistry<Loss>("loss", "keras.losses");
        r.Register("MeanSquaredError", MeanSquaredError.FromConfig, "mean_squared_error", "mse", "MSE");
        r.Register("MeanAbsoluteError", MeanAbsoluteError.FromConfig, "mean_absolute_error", "mae", "MAE");
        r.Register("MeanAbsolutePercentageError", MeanAbsolutePercentageError.FromConfig, "mean_absolute_percentage_error", "mape", "MAPE");
        r.Register("MeanSquaredLogarithmicError", MeanSquaredLogarithmicError.FromConfig, "mean_squared_logarithmic_error", "msle", "MSLE");
        r.Register("BinaryCrossentropy", BinaryCrossentropy.FromConfig, "binary_crossentropy", "bce", "BCE");
        r.Register("CategoricalCrossentropy", CategoricalCrossentropy.FromConfig, "categorical_crossentropy");
        r.Register("SparseCategoricalCrossentropy", SparseCategoricalCrossentropy.FromConfig, "sparse_categorical_crossentropy");
        r.Register("Hinge", Hinge.FromConfig, "hinge");
        r.Register("SquaredHinge", SquaredHinge.FromConfig, "squared_hinge");
        r.Register("CategoricalHinge", CategoricalHinge.FromConfig, "categorical_hinge");
        r.Register("KLDivergence", KLDivergence.FromConfig, "kl_divergence", "kld", "KLD", "kullback_leibler_divergence");
        r.Register("Poisson", Poisson.FromConfig, "poisson");
        r.Register("LogCosh", LogCosh.FromConfig, "log_cosh", "logcosh");
        r.Register("Huber", Huber.FromConfig, "huber", "huber_loss");
        r.Register("CosineSimilarity", CosineSimilarity.FromConfig, "cosine_similarity");
        return r;
    }

    /// <summary>A loss from its Keras name, with default arguments.</summary>
    public static Loss Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_registry.Get(name);
    }

    /// <summary>A loss from a name or a serialized object; null for a JSON null.</summary>
    public static Loss? Get(JToken? identifier) =>
        identifier is null || identifier.Type == JTokenType.Null ? null : s_registry.Get(identifier);

    /// <summary>
    /// What Compile does with a loss string (Keras <c>compile_utils.get_loss</c>):
    /// "crossentropy"/"ce" (any case) become binary cross-entropy when the predictions' last axis
    /// is 1, sparse categorical when the labels have a lower rank or a last axis of 1 (against
    /// several classes), else categorical; other names go through <see cref="Get(string)"/>.
    /// </summary>
    public static Loss Resolve(string name, Shape yTrue, Shape yPred)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        if (!name.Equals("crossentropy", StringComparison.OrdinalIgnoreCase) && !name.Equals("ce", StringComparison.OrdinalIgnoreCase))
            return Get(name);
        var (isBinary, isSparse) = Metrics.Metrics.ClassifyLabels(yTrue, yPred);
        return isBinary ? new BinaryCrossentropy()
            : isSparse ? new SparseCategoricalCrossentropy()
            : new CategoricalCrossentropy();
    }

    /// <summary>Keras 3 form: <c>{"module": "keras.losses", "class_name", "config", "registered_name": null}</c>.</summary>
    public static JObject Serialize(Loss loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return s_registry.Serialize(loss.ClassName, loss.GetConfig());
    }

    /// <summary>Adds a custom loss under <paramref name="className"/> (Keras <c>register_keras_serializable</c>).</summary>
    public static void Register(string className, Func<JObject, Loss> fromConfig)
    {
        ArgumentException.ThrowIfNullOrEmpty(className);
        ArgumentNullException.ThrowIfNull(fromConfig);
        s_registry.Register(className, fromConfig);
    }

    /// <summary>Every accepted name, sorted.</summary>
    public static IReadOnlyList<string> Names => s_registry.Names;
}
