using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Initializers;

/// <summary>
/// <see cref="Gain"/> times the identity matrix (Keras <c>Identity</c>, gain 1.0); only for
/// 2-D weights, which need not be square (ones on the main diagonal).
/// </summary>
public sealed class Identity : Initializer
{
    public Identity(double gain = 1.0) => Gain = gain;

    public double Gain { get; }

    public override string ClassName => "Identity";

    public override Tensor Call(Shape shape, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Rank != 2)
            throw new ArgumentException($"Identity matrix initializer can only be used for 2D matrices. Received: shape={shape} of rank {shape.Rank}.", nameof(shape));
        int rows = shape[0], cols = shape[1];
        var values = new float[shape.Size];
        for (int i = 0; i < Math.Min(rows, cols); i++) values[i * cols + i] = (float)Gain;
        var t = Tensor.FromArray(values, shape);
        if (dtype == DType.Float32) return t;
        using (t)
        {
            var cast = Tensor.Empty(shape, dtype);
            cast.Backend.Cast(t, cast);
            return cast;
        }
    }

    public override JObject GetConfig() => new() { ["gain"] = Gain };

    public static Identity FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Identity(config.Value<double?>("gain") ?? 1.0);
    }
}
