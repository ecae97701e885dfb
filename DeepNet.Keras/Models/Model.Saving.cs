namespace DeepNet.Keras;

// Saving entry points (Keras model.save / save_weights). The file formats are written by the
// saving work; until then these say so plainly rather than writing a partial file.
public partial class Model
{
    /// <summary>Saves the whole model (Keras <c>model.save</c>: <c>.keras</c> or legacy <c>.h5</c>).</summary>
    public virtual void Save(string filepath) =>
        throw new NotSupportedException($"Model.Save(\"{filepath}\"): saving comes with the saving issue.");

    /// <summary>Saves the weights only (Keras <c>model.save_weights</c>: <c>.weights.h5</c>).</summary>
    public virtual void SaveWeights(string filepath) =>
        throw new NotSupportedException($"Model.SaveWeights(\"{filepath}\"): saving comes with the saving issue.");
}
