using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras;

/// <summary>
/// One activation function by its Keras name. <see cref="Kind"/> is set when a fused backend
/// kernel computes it, so Dense can fold it into its own op.
/// </summary>
public sealed class ActivationFunction
{
    internal ActivationFunction(string name, Func<Tensor, Tensor> function, ActivationKind? kind = null, float alpha = 0f)
    {
        Name = name;
        Function = function;
        Kind = kind;
        Alpha = alpha;
    }

    /// <summary>The name Keras writes in configs (<c>relu</c>, <c>linear</c>, <c>silu</c>).</summary>
    public string Name { get; }

    public Func<Tensor, Tensor> Function { get; }

    public ActivationKind? Kind { get; }

    public float Alpha { get; }

    public Tensor Call(Tensor x) => Function(x);

    public override string ToString() => Name;
}

/// <summary>
/// The activation registry (Keras <c>keras.activations.get</c>/<c>serialize</c>): Keras names
/// (and their aliases) to functions written in <see cref="Ops"/>. Formulas as Keras 3
/// (keras/src/activations/activations.py).
/// </summary>
public static class Activations
{
    private static readonly Dictionary<string, ActivationFunction> s_byName = Build();

    private static Dictionary<string, ActivationFunction> Build()
    {
        var all = new List<ActivationFunction>
        {
            new("linear", x => Ops.Copy(x), ActivationKind.Linear),
            new("relu", Ops.Relu, ActivationKind.Relu),
            new("relu6", Ops.Relu6, ActivationKind.Relu6),
            new("leaky_relu", x => Ops.LeakyRelu(x, 0.2f), ActivationKind.LeakyRelu, 0.2f),
            new("elu", x => Ops.Elu(x), ActivationKind.Elu, 1f),
            new("selu", Ops.Selu, ActivationKind.Selu),
            new("gelu", x => Ops.Gelu(x), ActivationKind.Gelu),
            new("sigmoid", Ops.Sigmoid, ActivationKind.Sigmoid),
            new("hard_sigmoid", Ops.HardSigmoid, ActivationKind.HardSigmoid),
            new("tanh", Ops.Tanh, ActivationKind.Tanh),
            new("softplus", Ops.Softplus, ActivationKind.Softplus),
            new("softsign", Ops.Softsign, ActivationKind.Softsign),
            new("silu", Ops.Silu, ActivationKind.Swish),
            new("exponential", Ops.Exp, ActivationKind.Exponential),
            new("softmax", x => Ops.Softmax(x)),
            new("log_softmax", x => Ops.LogSoftmax(x)),
            new("hard_silu", x => Ops.Multiply(x, Ops.HardSigmoid(x))),
            new("mish", x => Ops.Multiply(x, Ops.Tanh(Ops.Softplus(x)))),
        };
        var map = new Dictionary<string, ActivationFunction>(StringComparer.Ordinal);
        foreach (var a in all) map[a.Name] = a;
        map["swish"] = map["silu"];
        map["hard_swish"] = map["hard_silu"];
        return map;
    }

    /// <summary>Every name the registry knows (aliases included).</summary>
    public static IReadOnlyCollection<string> Names => s_byName.Keys;

    /// <summary>The activation named <paramref name="name"/>; null or "" gives linear, as Keras.</summary>
    public static ActivationFunction Get(string? name)
    {
        if (string.IsNullOrEmpty(name)) return s_byName["linear"];
        if (s_byName.TryGetValue(name, out var f)) return f;
        throw new ArgumentException($"Could not interpret activation function identifier: {name}. Known activations: {string.Join(", ", s_byName.Keys.Order(StringComparer.Ordinal))}.", nameof(name));
    }

    /// <summary>Reads an activation from a config value: a name, or a <c>{"class_name": ...}</c> envelope of a function name.</summary>
    public static ActivationFunction Get(JToken? token) => token switch
    {
        null => Get((string?)null),
        { Type: JTokenType.Null } => Get((string?)null),
        { Type: JTokenType.String } => Get(token.Value<string>()),
        JObject o when o["config"]?.Type == JTokenType.String => Get(o.Value<string>("config")),
        JObject o => Get(o.Value<string>("class_name")),
        _ => throw new ArgumentException($"Could not interpret activation function identifier: {token}."),
    };

    /// <summary>The config form Keras writes: the function name.</summary>
    public static JToken Serialize(ActivationFunction activation) => activation.Name;
}
