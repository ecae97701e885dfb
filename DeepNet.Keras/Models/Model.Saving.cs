using DeepNet.Keras.Saving;

namespace DeepNet.Keras;

// Saving entry points (Keras model.save / save_weights / load_weights / to_json). The formats
// live in DeepNet.Keras/Saving.
public partial class Model
{
    /// <summary>
    /// Saves the whole model (Keras <c>model.save</c>): <c>.keras</c> writes the Keras 3 archive,
    /// <c>.h5</c>/<c>.hdf5</c> the legacy HDF5 layout. The file is replaced atomically.
    /// </summary>
    public virtual void Save(string filepath) => KerasFiles.Save(this, filepath);

    /// <summary>
    /// Saves the weights only (Keras <c>model.save_weights</c>): <c>.weights.h5</c> in the Keras 3
    /// layout, <c>.h5</c>/<c>.hdf5</c> in the Keras 2 layout. The file is replaced atomically.
    /// </summary>
    public virtual void SaveWeights(string filepath) => KerasFiles.SaveWeights(this, filepath);

    /// <summary>
    /// Loads weights (Keras <c>model.load_weights</c>) from a <c>.weights.h5</c>, <c>.keras</c> or
    /// legacy <c>.h5</c> file (weights-only or full model). Legacy files are matched by position
    /// over the layers that have weights, or by layer name when <paramref name="byName"/>;
    /// <paramref name="skipMismatch"/> skips layers whose weight count or shapes differ (with a
    /// warning) instead of failing. On failure nothing is changed.
    /// </summary>
    public void LoadWeights(string filepath, bool byName = false, bool skipMismatch = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(filepath);
        KerasFiles.LoadWeights(this, filepath, byName, skipMismatch);
    }

    /// <summary>The model's architecture as Keras 3 JSON (Keras <c>model.to_json()</c>).</summary>
    public string ToJson() => KerasFiles.ToJson(this);
}
