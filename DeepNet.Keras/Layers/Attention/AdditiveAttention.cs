using DeepNet.Keras.Engine;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Additive (Bahdanau-style) attention (Keras <c>keras.layers.AdditiveAttention</c>): as
/// <see cref="Attention"/> but the scores are Σ_d scale_d · tanh(query_d + key_d) over pairs of
/// positions, with a learned <c>scale</c> of shape (dim,) (glorot_uniform) when use_scale.
/// Masks, causal masking, dropout and outputs as <see cref="Attention"/>.
/// Keras defaults: use_scale=True, dropout=0.
/// </summary>
public sealed class AdditiveAttention : Attention
{
    public AdditiveAttention(bool useScale = true, float dropout = 0f, int? seed = null, string? name = null, bool trainable = true)
        : base(useScale, dropout, seed, name, trainable)
    {
    }

    public override string ClassName => "AdditiveAttention";

    protected override Variable? MakeScale(KerasShape queryShape)
    {
        if (!UseScale) return null;
        int dim = queryShape.Last ?? throw new ArgumentException($"Layer '{Name}': the last dimension of the query must be known, received {queryShape}.");
        return AddWeight("scale", new Shape(dim), KerasObjects.Initializer("glorot_uniform"));
    }

    protected override Tensor CalculateScores(Tensor query, Tensor key)
    {
        var t = Ops.Tanh(PairwiseSum(query, key));   // (…, Tq, Tv, dim)
        if (Scale is not null) t = Ops.Multiply(t, Scale.Value);
        return Ops.Sum(t, [-1]);
    }

    /// <summary>Attention's keys without score_mode, as Keras.</summary>
    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config.Remove("score_mode");
        return config;
    }

    public static new AdditiveAttention FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new AdditiveAttention(
            useScale: LayerConfig.Get(config, "use_scale", true),
            dropout: LayerConfig.Get(config, "dropout", 0f),
            seed: config["seed"] is { Type: JTokenType.Integer } s ? s.Value<int>() : null,
            name: LayerConfig.Name(config),
            trainable: LayerConfig.Trainable(config));
    }
}
