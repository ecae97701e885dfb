using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Initializers;

/// <summary>Every element equal to <see cref="Value"/> (Keras <c>Constant</c>, value 0.0).</summary>
public sealed class Constant : Initializer
{
    public Constant(double value = 0.0) => Value = value;

    public double Value { get; }

    public override string ClassName => "Constant";

    public override Tensor Call(Shape shape, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var t = Tensor.Empty(shape, dtype);
        t.Backend.Fill(t, (float)Value);
        return t;
    }

    public override JObject GetConfig() => new() { ["value"] = Value };

    public static Constant FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var token = config["value"];
        if (token is null || token.Type == JTokenType.Null) return new Constant();
        if (token.Type is JTokenType.Float or JTokenType.Integer) return new Constant((double)token);
        throw new ArgumentException($"Constant: only a scalar value is supported, got {token.ToString(Newtonsoft.Json.Formatting.None)}.", nameof(config));
    }
}
