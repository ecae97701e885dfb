using DeepNet.Keras.Saving;

namespace DeepNet.Keras;

/// <summary>
/// Loading models (Keras <c>keras.models.load_model</c> / <c>model_from_json</c>). Reads the
/// Keras 3 <c>.keras</c> archive and legacy full-model <c>.h5</c> files written by Keras 2 or 3
/// (or by this library). Every failure is a <see cref="KerasFileException"/> naming the file;
/// a model with layer classes this library lacks fails with
/// <see cref="UnsupportedLayersException"/>, listing all of them.
/// </summary>
public static class Models
{
    /// <summary>
    /// Loads a whole model (architecture and weights) from a <c>.keras</c> or <c>.h5</c> file.
    /// With <paramref name="compile"/>, the stored compile arguments are restored where this
    /// library knows the optimizer, loss and metrics (otherwise a warning, and the model is
    /// returned uncompiled, as in Keras). The optimizer is then built over the model's trainable
    /// variables and its saved state (iteration, slots) restored, so training resumes where it
    /// stopped; a state that does not fit gives a warning and a fresh optimizer, as in Keras.
    /// </summary>
    /// <param name="filepath">A <c>.keras</c> archive or a legacy <c>.h5</c> file.</param>
    /// <param name="compile">Restore the compile arguments and the optimizer's state.</param>
    /// <param name="customObjects">
    /// Keras's <c>custom_objects</c>: custom layer class names mapped to factories
    /// (<c>Func&lt;JObject, Layer&gt;</c>, taking the layer's config), and function names mapped to
    /// <c>Func&lt;Tensor, Tensor&gt;</c> for <see cref="Layers.Lambda"/> layers (whose Python code is never run).
    /// </param>
    public static Model LoadModel(string filepath, bool compile = true, IReadOnlyDictionary<string, object>? customObjects = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(filepath);
        using var scope = CustomObjectScope.Enter(customObjects);
        return KerasFiles.LoadModel(filepath, compile);
    }

    /// <summary>
    /// Makes a model from the JSON of <c>model.to_json()</c> (Keras 2 or 3); its weights are
    /// fresh, load them with <see cref="Model.LoadWeights"/>.
    /// </summary>
    /// <param name="json">The architecture, as written by <c>to_json()</c>.</param>
    /// <param name="customObjects">Custom layer factories and Lambda functions by name, as for <see cref="LoadModel"/>.</param>
    public static Model ModelFromJson(string json, IReadOnlyDictionary<string, object>? customObjects = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var scope = CustomObjectScope.Enter(customObjects);
        return KerasFiles.ModelFromJson(json);
    }
}
