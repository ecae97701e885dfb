using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Shared part of SeparableConv1D and SeparableConv2D (Keras <c>BaseSeparableConv</c>): a depthwise
/// convolution (depthwise_kernel (k..., in, depth_multiplier)) then a pointwise one
/// (pointwise_kernel (1..., in·depth_multiplier, filters)), bias (filters,), activation. The 1-D
/// layer runs the 2-D ops on a height-1 image.
/// </summary>
public abstract class BaseSeparableConv : ConvLayerBase
{
    private readonly KernelArgs _depthwiseArgs;
    private readonly KernelArgs _pointwiseArgs;
    private Variable? _depthwise;
    private Variable? _pointwise;

    protected BaseSeparableConv(int rank, int filters, int[] kernelSize, int[]? strides, string padding, string? dataFormat,
        int[]? dilationRate, int depthMultiplier, string? activation, bool useBias,
        Initializer? depthwiseInitializer, Initializer? pointwiseInitializer, Initializer? biasInitializer,
        Regularizer? depthwiseRegularizer, Regularizer? pointwiseRegularizer, Regularizer? biasRegularizer,
        Regularizer? activityRegularizer, Constraint? depthwiseConstraint, Constraint? pointwiseConstraint,
        Constraint? biasConstraint, string? name, bool trainable)
        : this(rank, filters, depthMultiplier,
            KernelArgs.Of("depthwise", depthwiseInitializer, depthwiseRegularizer, depthwiseConstraint),
            KernelArgs.Of("pointwise", pointwiseInitializer, pointwiseRegularizer, pointwiseConstraint),
            new ConvCommonArgs(kernelSize, strides, padding, dataFormat, dilationRate, activation, useBias, biasInitializer,
                biasRegularizer, activityRegularizer, biasConstraint, name, trainable))
    {
    }

    /// <summary>From a Keras config.</summary>
    private protected BaseSeparableConv(int rank, JObject config)
        : this(rank, config.Value<int>("filters"), LayerConfig.Get(config, "depth_multiplier", 1),
            KernelArgs.Read(config, "depthwise"), KernelArgs.Read(config, "pointwise"), ConvCommonArgs.Read(config))
    {
    }

    private BaseSeparableConv(int rank, int filters, int depthMultiplier, KernelArgs depthwise, KernelArgs pointwise, ConvCommonArgs args)
        : base(rank, args)
    {
        if (filters <= 0)
            throw new ArgumentOutOfRangeException(nameof(filters), $"Invalid value for argument `filters`. Expected a strictly positive value. Received filters={filters}.");
        if (depthMultiplier <= 0)
            throw new ArgumentOutOfRangeException(nameof(depthMultiplier), $"Invalid value for argument `depth_multiplier`. Expected a strictly positive value. Received depth_multiplier={depthMultiplier}.");
        Filters = filters;
        DepthMultiplier = depthMultiplier;
        _depthwiseArgs = depthwise;
        _pointwiseArgs = pointwise;
    }

    public int Filters { get; }

    public int DepthMultiplier { get; }

    public Initializer DepthwiseInitializer => _depthwiseArgs.Initializer;

    public Initializer PointwiseInitializer => _pointwiseArgs.Initializer;

    public Regularizer? DepthwiseRegularizer => _depthwiseArgs.Regularizer;

    public Regularizer? PointwiseRegularizer => _pointwiseArgs.Regularizer;

    public Constraint? DepthwiseConstraint => _depthwiseArgs.Constraint;

    public Constraint? PointwiseConstraint => _pointwiseArgs.Constraint;

    /// <summary>The (k..., in, depth_multiplier) weight; null before build.</summary>
    public Variable? DepthwiseKernel => _depthwise;

    /// <summary>The (1..., in·depth_multiplier, filters) weight; null before build.</summary>
    public Variable? PointwiseKernel => _pointwise;

    public override void Build(KerasShape inputShape)
    {
        int channels = InputChannels(inputShape);
        _depthwise = AddKernel("depthwise_kernel", new Shape([.. KernelSize, channels, DepthMultiplier]), _depthwiseArgs);
        _pointwise = AddKernel("pointwise_kernel", new Shape([.. Enumerable.Repeat(1, Rank), channels * DepthMultiplier, Filters]), _pointwiseArgs);
        AddBias(Filters);
    }

    protected override Tensor Convolve(Tensor x)
    {
        if (Rank == 2) return Separable(x, _depthwise!.Value, _pointwise!.Value, (Strides[0], Strides[1]), (DilationRate[0], DilationRate[1]));
        var image = Ops.Reshape(x, x.Shape[0], 1, x.Shape[1], x.Shape[2]);
        var depthwise = Ops.Reshape(_depthwise!.Value, [1, .. _depthwise.Shape]);
        var pointwise = Ops.Reshape(_pointwise!.Value, [1, .. _pointwise.Shape]);
        var y = Separable(image, depthwise, pointwise, (1, Strides[0]), (1, DilationRate[0]));
        return Ops.Reshape(y, y.Shape[0], y.Shape[2], y.Shape[3]);
    }

    private Tensor Separable(Tensor image, Tensor depthwise, Tensor pointwise, (int, int) strides, (int, int) dilation) =>
        Ops.Conv2D(Ops.DepthwiseConv2D(image, depthwise, strides, PaddingMode, dilation), pointwise);

    protected override int? OutputChannels(int? inputChannels) => Filters;

    public override JObject GetConfig() =>
        ConvConfig(Filters, [_depthwiseArgs, _pointwiseArgs], afterDilation: ("depth_multiplier", DepthMultiplier));
}
