namespace DeepNet.Keras.Saving;

/// <summary>
/// A Keras file (or JSON architecture) could not be read or does not fit the model: corrupt
/// or truncated data, a missing group or weight, an unknown layer class, a shape mismatch.
/// The message names the file, the HDF5 path or layer concerned and, for shapes, both shapes.
/// A failed load leaves the model it was loading into unchanged.
/// </summary>
public class KerasFileException : IOException
{
    public KerasFileException(string message) : base(message) { }

    public KerasFileException(string message, Exception? inner) : base(message, inner) { }

    /// <summary>The file concerned, when there is one.</summary>
    public string? FilePath { get; init; }
}

/// <summary>
/// A model config uses layer classes this library does not have. <see cref="ClassNames"/> lists
/// every one of them at once, so the whole gap shows in one try.
/// </summary>
public sealed class UnsupportedLayersException : KerasFileException
{
    public UnsupportedLayersException(string source, IReadOnlyList<string> classNames)
        : base($"{source}: the model uses layer classes DeepNet does not support: {string.Join(", ", classNames)}. " +
               "Give custom layers to the load (Models.LoadModel(path, customObjects: new Dictionary<string, object> { [className] = (Func<JObject, Layer>)factory })) " +
               "or register them with LayerRegistry.Register(className, factory) before loading.")
    {
        ClassNames = classNames;
    }

    /// <summary>The unsupported Keras class names, each once, in order of first use.</summary>
    public IReadOnlyList<string> ClassNames { get; }
}
