using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Saving;

/// <summary>
/// The <c>customObjects</c> given to a load (Keras's <c>custom_objects</c> /
/// <c>CustomObjectScope</c>): names of custom layer classes mapped to factories
/// (<c>Func&lt;JObject, Layer&gt;</c>, consulted before <see cref="LayerRegistry"/>) and names of
/// functions mapped to C# code (the functions and masks of <see cref="Lambda"/> layers).
/// Active on the loading thread while the model is rebuilt; scopes nest.
/// </summary>
internal sealed class CustomObjectScope : IDisposable
{
    [ThreadStatic]
    private static CustomObjectScope? s_current;

    private readonly CustomObjectScope? _outer;
    private readonly Dictionary<string, Func<JObject, Layer>> _layers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Delegate> _functions = new(StringComparer.Ordinal);

    private CustomObjectScope(IReadOnlyDictionary<string, object> objects)
    {
        foreach (var (name, value) in objects)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("customObjects: a name is empty.", nameof(objects));
            switch (value)
            {
                case Func<JObject, Layer> factory:
                    _layers[name] = factory;
                    break;
                case Func<Tensor, Tensor> or Func<IReadOnlyList<Tensor>, Tensor>
                    or Func<Tensor, Tensor?, Tensor?> or Func<IReadOnlyList<Tensor>, IReadOnlyList<Tensor?>, Tensor?>:
                    _functions[name] = (Delegate)value;
                    break;
                default:
                    throw new ArgumentException(
                        $"customObjects[\"{name}\"] is {value?.GetType().Name ?? "null"}; expected a layer factory Func<JObject, Layer> (a custom layer class), " +
                        "a Func<Tensor, Tensor> or Func<IReadOnlyList<Tensor>, Tensor> (the function of a Lambda layer), " +
                        "or a Func<Tensor, Tensor?, Tensor?> or Func<IReadOnlyList<Tensor>, IReadOnlyList<Tensor?>, Tensor?> (a Lambda's mask).", nameof(objects));
            }
        }
        _outer = s_current;
        s_current = this;
    }

    /// <summary>Makes <paramref name="objects"/> visible to loads on this thread until disposed (null: nothing to add).</summary>
    public static IDisposable? Enter(IReadOnlyDictionary<string, object>? objects) =>
        objects is null || objects.Count == 0 ? null : new CustomObjectScope(objects);

    public void Dispose()
    {
        if (ReferenceEquals(s_current, this)) s_current = _outer;
    }

    /// <summary>The factory given for a custom layer class, innermost scope first.</summary>
    public static Func<JObject, Layer>? LayerFactory(string className)
    {
        for (var scope = s_current; scope is not null; scope = scope._outer)
        {
            if (scope._layers.TryGetValue(className, out var factory)) return factory;
        }
        return null;
    }

    /// <summary>The C# function (a Lambda's function or mask) given under <paramref name="name"/>, innermost scope first.</summary>
    public static Delegate? Function(string name)
    {
        for (var scope = s_current; scope is not null; scope = scope._outer)
        {
            if (scope._functions.TryGetValue(name, out var function)) return function;
        }
        return null;
    }
}
