using DeepNet.Backends;
using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Shared part of Conv1D and Conv2D (Keras <c>BaseConv</c>): kernel (k..., in/groups, filters),
/// optional bias (filters,), then the activation. Inputs are channels_last; channels_first
/// inputs are transposed in and out.
/// </summary>
public abstract class BaseConv : Layer
{
    private Variable? _kernel;
    private Variable? _bias;

    protected BaseConv(int rank, int filters, int[] kernelSize, int[]? strides, string padding, string? dataFormat,
        int[]? dilationRate, int groups, string? activation, bool useBias,
        Initializer? kernelInitializer, Initializer? biasInitializer,
        Regularizer? kernelRegularizer, Regularizer? biasRegularizer, Regularizer? activityRegularizer,
        Constraint? kernelConstraint, Constraint? biasConstraint, string? name, bool trainable)
        : base(name, trainable)
    {
        ArgumentNullException.ThrowIfNull(kernelSize);
        Rank = rank;
        if (filters <= 0)
            throw new ArgumentOutOfRangeException(nameof(filters), $"Invalid value for argument `filters`. Expected a strictly positive value. Received filters={filters}.");
        if (groups <= 0)
            throw new ArgumentOutOfRangeException(nameof(groups), $"The number of groups must be a positive integer. Received: groups={groups}.");
        if (filters % groups != 0)
            throw new ArgumentException($"The number of filters must be evenly divisible by the number of groups. Received: groups={groups}, filters={filters}.", nameof(groups));
        Filters = filters;
        KernelSize = ConvArgs.Tuple(kernelSize, rank, "kernel_size", [1]);
        Strides = ConvArgs.Tuple(strides, rank, "strides", [1]);
        PaddingMode = ConvArgs.ParsePadding(padding, allowCausal: rank == 1);
        DataFormat = ConvArgs.DataFormat(dataFormat);
        DilationRate = ConvArgs.Tuple(dilationRate, rank, "dilation_rate", [1]);
        if (Strides.Any(s => s > 1) && DilationRate.Any(d => d > 1))
            throw new ArgumentException($"`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=({string.Join(", ", Strides)}) and dilation_rate=({string.Join(", ", DilationRate)})", nameof(strides));
        Groups = groups;
        Activation = Activations.Get(activation);
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? KerasObjects.Initializer("glorot_uniform");
        BiasInitializer = biasInitializer ?? KerasObjects.Initializer("zeros");
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        KernelConstraint = kernelConstraint;
        BiasConstraint = biasConstraint;
        InputSpec = new InputSpec(minNdim: rank + 2);
    }

    /// <summary>Number of spatial dimensions.</summary>
    public int Rank { get; }

    public int Filters { get; }

    public int[] KernelSize { get; }

    public int[] Strides { get; }

    public Padding PaddingMode { get; }

    public string DataFormat { get; }

    public int[] DilationRate { get; }

    public int Groups { get; }

    public ActivationFunction Activation { get; }

    public bool UseBias { get; }

    public Initializer KernelInitializer { get; }

    public Initializer BiasInitializer { get; }

    public Regularizer? KernelRegularizer { get; }

    public Regularizer? BiasRegularizer { get; }

    public Regularizer? ActivityRegularizer { get; }

    public Constraint? KernelConstraint { get; }

    public Constraint? BiasConstraint { get; }

    /// <summary>The (k..., in/groups, filters) weight; null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The (filters,) weight; null before build or without bias.</summary>
    public Variable? Bias => _bias;

    private bool ChannelsFirst => DataFormat == "channels_first";

    private int ChannelAxis(int rank) => ChannelsFirst ? 1 : rank - 1;

    public override void Build(KerasShape inputShape)
    {
        if (inputShape.Rank != Rank + 2)
            throw new ShapeMismatchException($"Layer \"{Name}\"", $"expected an input of rank {Rank + 2} (batch, spatial..., channels), received input shape {inputShape}.");
        int axis = ChannelAxis(inputShape.Rank);
        int inputChannels = inputShape[axis] ?? throw new ArgumentException($"Layer '{Name}': the channel dimension of the input must be known, received input shape {inputShape}.");
        if (inputChannels % Groups != 0)
            throw new ShapeMismatchException($"Layer \"{Name}\"", $"the number of input channels must be evenly divisible by the number of groups. Received groups={Groups}, but the input has {inputChannels} channels (full input shape is {inputShape}).");
        var shape = new int[Rank + 2];
        KernelSize.CopyTo(shape, 0);
        shape[Rank] = inputChannels / Groups;
        shape[Rank + 1] = Filters;
        _kernel = AddWeight("kernel", new Shape(shape), KernelInitializer, KernelRegularizer, KernelConstraint);
        if (UseBias) _bias = AddWeight("bias", new Shape(Filters), BiasInitializer, BiasRegularizer, BiasConstraint);
        InputSpec = new InputSpec(minNdim: Rank + 2, axes: new Dictionary<int, int> { [ChannelsFirst ? 1 : -1] = inputChannels });
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var x = ChannelsFirst ? ConvArgs.ToChannelsLast(inputs) : inputs;
        var y = Rank == 1
            ? Conv1D(x)
            : Ops.Conv2D(x, _kernel!.Value, (Strides[0], Strides[1]), PaddingMode, (DilationRate[0], DilationRate[1]), Groups);
        if (_bias is not null) y = Ops.Add(y, _bias.Value);
        y = Activation.Call(y);
        if (ChannelsFirst) y = ConvArgs.ToChannelsFirst(y);
        if (ActivityRegularizer is not null) AddLoss(ActivityRegularizer.Call(y));
        return y;
    }

    private Tensor Conv1D(Tensor x)
    {
        if (PaddingMode != Padding.Causal)
            return Ops.Conv1D(x, _kernel!.Value, Strides[0], PaddingMode, DilationRate[0], Groups);
        // As Keras: k_eff − 1 zeros on the left, then a valid convolution (whatever the stride).
        int left = (KernelSize[0] - 1) * DilationRate[0];
        var padded = left == 0 ? x : Ops.Pad(x, [0, left, 0], [0, 0, 0]);
        return Ops.Conv1D(padded, _kernel!.Value, Strides[0], Padding.Valid, DilationRate[0], Groups);
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = inputShape.ToArray();
        int first = ChannelsFirst ? 2 : 1;
        for (int i = 0; i < Rank; i++)
            dims[first + i] = ConvArgs.OutputLength(dims[first + i], KernelSize[i], Strides[i], DilationRate[i], PaddingMode);
        dims[ChannelAxis(dims.Length)] = Filters;
        return new KerasShape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["filters"] = Filters;
        config["kernel_size"] = LayerConfig.ToJson(KernelSize);
        config["strides"] = LayerConfig.ToJson(Strides);
        config["padding"] = ConvArgs.PaddingName(PaddingMode);
        config["data_format"] = DataFormat;
        config["dilation_rate"] = LayerConfig.ToJson(DilationRate);
        config["groups"] = Groups;
        config["activation"] = Activations.Serialize(Activation);
        config["use_bias"] = UseBias;
        config["kernel_initializer"] = KerasObjects.Serialize(KernelInitializer);
        config["bias_initializer"] = KerasObjects.Serialize(BiasInitializer);
        config["kernel_regularizer"] = KerasObjects.Serialize(KernelRegularizer);
        config["bias_regularizer"] = KerasObjects.Serialize(BiasRegularizer);
        config["activity_regularizer"] = KerasObjects.Serialize(ActivityRegularizer);
        config["kernel_constraint"] = KerasObjects.Serialize(KernelConstraint);
        config["bias_constraint"] = KerasObjects.Serialize(BiasConstraint);
        return config;
    }

    /// <summary>Reads the arguments every convolution config shares.</summary>
    internal readonly record struct Args(
        int Filters, int[] KernelSize, int[]? Strides, string Padding, string? DataFormat, int[]? DilationRate, int Groups,
        string Activation, bool UseBias, Initializer? KernelInitializer, Initializer? BiasInitializer,
        Regularizer? KernelRegularizer, Regularizer? BiasRegularizer, Regularizer? ActivityRegularizer,
        Constraint? KernelConstraint, Constraint? BiasConstraint, string? Name, bool Trainable)
    {
        public static Args Read(JObject config)
        {
            LayerConfig.CheckDType(config);
            return new Args(
                config.Value<int>("filters"),
                ConvArgs.IntsOrInt(config["kernel_size"]) ?? throw new ArgumentException("A convolution config needs kernel_size."),
                ConvArgs.IntsOrInt(config["strides"]),
                LayerConfig.Get(config, "padding", "valid"),
                config.Value<string?>("data_format"),
                ConvArgs.IntsOrInt(config["dilation_rate"]),
                LayerConfig.Get(config, "groups", 1),
                Activations.Get(config["activation"]).Name,
                LayerConfig.Get(config, "use_bias", true),
                OptionalInitializer(config["kernel_initializer"]),
                OptionalInitializer(config["bias_initializer"]),
                KerasObjects.Regularizer(config["kernel_regularizer"]),
                KerasObjects.Regularizer(config["bias_regularizer"]),
                KerasObjects.Regularizer(config["activity_regularizer"]),
                KerasObjects.Constraint(config["kernel_constraint"]),
                KerasObjects.Constraint(config["bias_constraint"]),
                LayerConfig.Name(config),
                LayerConfig.Trainable(config));
        }
    }

    internal static Initializer? OptionalInitializer(JToken? token) =>
        token is { Type: not JTokenType.Null } t ? KerasObjects.Initializer(t) : null;
}
