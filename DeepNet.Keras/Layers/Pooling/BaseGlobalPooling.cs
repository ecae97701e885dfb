using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Shared part of the global pooling layers (Keras <c>BaseGlobalPooling</c>): the mean or the
/// maximum over every spatial axis; keepdims keeps them as size 1.
/// </summary>
public abstract class BaseGlobalPooling : Layer
{
    protected BaseGlobalPooling(int rank, PoolKind kind, string? dataFormat, bool keepdims, string? name, bool trainable)
        : base(name, trainable)
    {
        Rank = rank;
        Kind = kind;
        DataFormat = ConvArgs.DataFormat(dataFormat);
        Keepdims = keepdims;
        InputSpec = new InputSpec(ndim: rank + 2);
    }

    public int Rank { get; }

    public PoolKind Kind { get; }

    public string DataFormat { get; }

    public bool Keepdims { get; }

    private int[] SpatialAxes()
    {
        int first = DataFormat == "channels_first" ? 2 : 1;
        var axes = new int[Rank];
        for (int i = 0; i < Rank; i++) axes[i] = first + i;
        return axes;
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) =>
        Kind == PoolKind.Max ? Ops.Max(inputs, SpatialAxes(), Keepdims) : Ops.Mean(inputs, SpatialAxes(), Keepdims);

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = inputShape.ToArray();
        var axes = SpatialAxes();
        if (Keepdims)
        {
            foreach (int a in axes) dims[a] = 1;
            return new KerasShape(dims);
        }
        return new KerasShape(dims.Where((_, i) => Array.IndexOf(axes, i) < 0).ToArray());
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["data_format"] = DataFormat;
        config["keepdims"] = Keepdims;
        return config;
    }

    internal static (string? DataFormat, bool Keepdims, string? Name, bool Trainable) Read(JObject config)
    {
        LayerConfig.CheckDType(config);
        return (config.Value<string?>("data_format"), LayerConfig.Get(config, "keepdims", false), LayerConfig.Name(config), LayerConfig.Trainable(config));
    }
}
