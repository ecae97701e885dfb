using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Permutes the non-batch axes (Keras <c>keras.layers.Permute</c>); <see cref="Dims"/> is
/// 1-based, e.g. (2, 1) swaps the first two. Config: dims.
/// </summary>
public sealed class Permute : Layer
{
    public Permute(int[] dims, string? name = null, bool trainable = true) : base(name, trainable)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var sorted = dims.Order().ToArray();
        for (int i = 0; i < sorted.Length; i++)
        {
            if (sorted[i] != i + 1)
                throw new ArgumentException($"Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` must be consecutive and start from 1. Received dims=({string.Join(", ", dims)})", nameof(dims));
        }
        Dims = (int[])dims.Clone();
        InputSpec = new InputSpec(ndim: dims.Length + 1);
    }

    public override string ClassName => "Permute";

    public int[] Dims { get; }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) => Ops.Transpose(inputs, [0, .. Dims]);

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = new int?[inputShape.Rank];
        dims[0] = inputShape[0];
        for (int i = 0; i < Dims.Length; i++) dims[i + 1] = inputShape[Dims[i]];
        return new KerasShape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["dims"] = LayerConfig.ToJson(Dims);
        return config;
    }

    public static Permute FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new Permute(LayerConfig.IntArray(config, "dims") ?? throw new ArgumentException("Permute config needs dims."), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
