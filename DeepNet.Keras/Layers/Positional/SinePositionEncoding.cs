using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// The fixed sinusoidal position encoding of "Attention is All You Need" (keras_hub
/// <c>SinePositionEncoding</c>): for inputs (…, length, hidden) it returns, at position p and
/// feature j, sin(p·w_j) for even j and cos(p·w_j) for odd j, with
/// w_j = (1/max_wavelength)^(2⌊j/2⌋/hidden), broadcast to the input's shape. No weights; add
/// the result to the inputs. Computed in float32 as keras_hub does.
/// keras_hub defaults: max_wavelength=10000.
/// </summary>
public sealed class SinePositionEncoding : Layer
{
    public SinePositionEncoding(float maxWavelength = 10000f, string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        if (!(maxWavelength > 0f))
            throw new ArgumentOutOfRangeException(nameof(maxWavelength), $"`max_wavelength` must be positive, received {maxWavelength}.");
        MaxWavelength = maxWavelength;
    }

    public override string ClassName => "SinePositionEncoding";

    public float MaxWavelength { get; }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) => Call(inputs, startIndex: 0);

    /// <summary>The encodings of positions start_index, start_index+1, … broadcast to the input's shape.</summary>
    public Tensor Call(Tensor inputs, int startIndex)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Rank < 2)
            throw new ShapeMismatchException(Name, $"SinePositionEncoding expects inputs (…, sequence, features), got {inputs.Shape}.");
        int length = inputs.Shape[-2], hidden = inputs.Shape[-1];
        float minFreq = 1f / MaxWavelength;
        var table = new float[length * hidden];
        for (int j = 0; j < hidden; j++)
        {
            float timescale = MathF.Pow(minFreq, 2 * (j / 2) / (float)hidden);
            for (int p = 0; p < length; p++)
            {
                float angle = (p + startIndex) * timescale;
                table[p * hidden + j] = j % 2 == 0 ? MathF.Sin(angle) : MathF.Cos(angle);
            }
        }
        using var encodings = Tensor.FromArray(table, new Shape(length, hidden), inputs.Backend);
        return Ops.BroadcastTo(encodings, inputs.Shape);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        // keras_hub's default is the int 10000; write whole numbers as ints as it does.
        config["max_wavelength"] = MaxWavelength == MathF.Floor(MaxWavelength) && MaxWavelength < int.MaxValue
            ? new JValue((int)MaxWavelength) : new JValue(MaxWavelength);
        return config;
    }

    public static SinePositionEncoding FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new SinePositionEncoding(LayerConfig.Get(config, "max_wavelength", 10000f), LayerConfig.Name(config), LayerConfig.Trainable(config));
    }
}
