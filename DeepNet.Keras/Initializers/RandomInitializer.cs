using DeepNet.Keras.Utils;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Initializers;

/// <summary>
/// Base of the initializers that draw random numbers. With an explicit <see cref="Seed"/> every
/// call returns the same values (Keras 3 semantics for an integer seed); with no seed each call
/// takes the next draw of the global <see cref="KerasRandom"/> stream, so two layers sharing one
/// initializer instance still get different weights, and a fixed <c>SetSeed</c> makes a whole
/// model's initial weights reproducible.
/// </summary>
public abstract class RandomInitializer : Initializer
{
    protected RandomInitializer(int? seed) => Seed = seed;

    /// <summary>The seed given to the constructor (null: draw from the global stream).</summary>
    public int? Seed { get; }

    /// <summary>Philox key and first counter for one draw.</summary>
    protected (ulong Seed, ulong Offset) NextDraw() => Seed is int s ? KerasRandom.FromSeed(s) : KerasRandom.NextSeed();

    /// <summary>Random initializers make float32 values only.</summary>
    protected static void CheckFloat(DType dtype, string className)
    {
        if (dtype != DType.Float32)
            throw new ArgumentException($"{className} makes float32 values; got dtype={dtype.Name()}.", nameof(dtype));
    }

    /// <summary>A tensor of uniform values in [low, high).</summary>
    protected Tensor Uniform(Shape shape, double low, double high)
    {
        var (seed, offset) = NextDraw();
        var t = Tensor.Empty(shape);
        t.Backend.RandomUniform(t, seed, offset, (float)low, (float)high);
        return t;
    }

    /// <summary>A tensor of normal values.</summary>
    protected Tensor Normal(Shape shape, double mean, double stddev)
    {
        var (seed, offset) = NextDraw();
        var t = Tensor.Empty(shape);
        t.Backend.RandomNormal(t, seed, offset, (float)mean, (float)stddev);
        return t;
    }

    /// <summary>A tensor of normal values redrawn until within two standard deviations of the mean.</summary>
    protected Tensor Truncated(Shape shape, double mean, double stddev)
    {
        var (seed, offset) = NextDraw();
        var t = Tensor.Empty(shape);
        t.Backend.TruncatedNormal(t, seed, offset, (float)mean, (float)stddev);
        return t;
    }

    /// <summary>Reads the <c>seed</c> key of a config: an integer or null.</summary>
    internal static int? ReadSeed(JObject config)
    {
        var token = config["seed"];
        if (token is null || token.Type == JTokenType.Null) return null;
        if (token.Type == JTokenType.Integer) return (int)(long)token;
        throw new ArgumentException($"Initializer seed must be an integer or null, got {token.ToString(Newtonsoft.Json.Formatting.None)} (SeedGenerator seeds are not supported).");
    }

    /// <summary>The seed as a config value (null stays null).</summary>
    protected JToken SeedToken => Seed is int s ? new JValue(s) : JValue.CreateNull();
}
