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
    public static Model LoadModel(string filepath, bool compile = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(filepath);
        return KerasFiles.LoadModel(filepath, compile);
    }

    /// <summary>
    /// Makes a model from the JSON of <c>model.to_json()</c> (Keras 2 or 3); its weights are
    /// fresh, load them with <see cref="Model.LoadWeights"/>.
    /// </summary>
    public static Model ModelFromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return KerasFiles.ModelFromJson(json);
    }
}
