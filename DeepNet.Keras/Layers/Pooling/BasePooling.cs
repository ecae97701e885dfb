using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Shared part of the 1-D, 2-D and 3-D max and average pooling layers (Keras <c>BasePooling</c>).
/// strides default to pool_size; 'same' average pooling leaves padded cells out of the divisor,
/// as TensorFlow does.
/// </summary>
public abstract class BasePooling : Layer
{
    protected BasePooling(int rank, PoolKind kind, int[] poolSize, int[]? strides, string padding, string? dataFormat, string? name, bool trainable)
        : base(name, trainable)
    {
        ArgumentNullException.ThrowIfNull(poolSize);
        Rank = rank;
        Kind = kind;
        PoolSize = ConvArgs.Tuple(poolSize, rank, "pool_size", [2]);
        Strides = ConvArgs.Tuple(strides, rank, "strides", PoolSize);
        PaddingMode = ConvArgs.ParsePadding(padding, allowCausal: false);
        DataFormat = ConvArgs.DataFormat(dataFormat);
        InputSpec = new InputSpec(ndim: rank + 2);
    }

    public int Rank { get; }

    public PoolKind Kind { get; }

    public int[] PoolSize { get; }

    public int[] Strides { get; }

    public Padding PaddingMode { get; }

    public string DataFormat { get; }

    private bool ChannelsFirst => DataFormat == "channels_first";

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var x = ChannelsFirst ? ConvArgs.ToChannelsLast(inputs) : inputs;
        Tensor y = (Rank, Kind) switch
        {
            (1, PoolKind.Max) => Ops.MaxPool1D(x, PoolSize[0], Strides[0], PaddingMode),
            (1, _) => Ops.AvgPool1D(x, PoolSize[0], Strides[0], PaddingMode),
            (2, PoolKind.Max) => Ops.MaxPool2D(x, (PoolSize[0], PoolSize[1]), (Strides[0], Strides[1]), PaddingMode),
            (2, _) => Ops.AvgPool2D(x, (PoolSize[0], PoolSize[1]), (Strides[0], Strides[1]), PaddingMode),
            (_, PoolKind.Max) => Ops.MaxPool3D(x, (PoolSize[0], PoolSize[1], PoolSize[2]), (Strides[0], Strides[1], Strides[2]), PaddingMode),
            _ => Ops.AvgPool3D(x, (PoolSize[0], PoolSize[1], PoolSize[2]), (Strides[0], Strides[1], Strides[2]), PaddingMode),
        };
        return ChannelsFirst ? ConvArgs.ToChannelsFirst(y) : y;
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = inputShape.ToArray();
        int first = ChannelsFirst ? 2 : 1;
        for (int i = 0; i < Rank; i++)
            dims[first + i] = ConvArgs.OutputLength(dims[first + i], PoolSize[i], Strides[i], 1, PaddingMode);
        return new KerasShape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["pool_size"] = LayerConfig.ToJson(PoolSize);
        config["padding"] = ConvArgs.PaddingName(PaddingMode);
        config["strides"] = LayerConfig.ToJson(Strides);
        config["data_format"] = DataFormat;
        return config;
    }

    internal static (int[]? PoolSize, int[]? Strides, string Padding, string? DataFormat, string? Name, bool Trainable) Read(JObject config)
    {
        LayerConfig.CheckDType(config);
        return (ConvArgs.IntsOrInt(config["pool_size"]), ConvArgs.IntsOrInt(config["strides"]), LayerConfig.Get(config, "padding", "valid"),
            config.Value<string?>("data_format"), LayerConfig.Name(config), LayerConfig.Trainable(config));
    }
}
