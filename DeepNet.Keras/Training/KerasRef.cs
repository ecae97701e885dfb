namespace DeepNet.Keras.Training;

/// <summary>
/// An object given either by its Keras name (<c>"adam"</c>, <c>"categorical_crossentropy"</c>,
/// <c>"accuracy"</c>) or as an instance, as Keras's <c>compile</c> accepts both. Converts
/// implicitly from a string and from <typeparamref name="T"/>.
/// </summary>
public sealed class KerasRef<T> where T : class
{
    private KerasRef(string? name, T? instance)
    {
        Name = name;
        Instance = instance;
    }

    /// <summary>The Keras name, when given by name.</summary>
    public string? Name { get; }

    /// <summary>The object, when given as one.</summary>
    public T? Instance { get; }

    public static implicit operator KerasRef<T>(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new KerasRef<T>(name, null);
    }

    public static implicit operator KerasRef<T>(T instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return new KerasRef<T>(null, instance);
    }

    public override string ToString() => Name ?? Instance!.ToString() ?? typeof(T).Name;
}
