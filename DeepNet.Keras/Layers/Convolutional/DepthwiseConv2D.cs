using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Depthwise 2-D convolution (Keras <c>keras.layers.DepthwiseConv2D</c>): each input channel is
/// convolved with its own depth_multiplier filters; output channel c·depth_multiplier + m.
/// Weights: kernel (kh, kw, in, depth_multiplier), bias (in·depth_multiplier,). Keras defaults:
/// strides=(1, 1), padding="valid", depth_multiplier=1, data_format="channels_last",
/// dilation_rate=(1, 1), activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
/// bias_initializer="zeros".
/// </summary>
public sealed class DepthwiseConv2D : ConvLayerBase
{
    private readonly KernelArgs _depthwiseArgs;
    private Variable? _kernel;

    public DepthwiseConv2D(int[] kernelSize, int[]? strides = null, string padding = "valid", int depthMultiplier = 1, string? dataFormat = null,
        int[]? dilationRate = null, string? activation = null, bool useBias = true,
        Initializer? depthwiseInitializer = null, Initializer? biasInitializer = null,
        Regularizer? depthwiseRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? depthwiseConstraint = null, Constraint? biasConstraint = null, string? name = null, bool trainable = true)
        : this(depthMultiplier, KernelArgs.Of("depthwise", depthwiseInitializer, depthwiseRegularizer, depthwiseConstraint),
            new ConvCommonArgs(kernelSize, strides, padding, dataFormat, dilationRate, activation, useBias, biasInitializer,
                biasRegularizer, activityRegularizer, biasConstraint, name, trainable))
    {
    }

    private DepthwiseConv2D(int depthMultiplier, KernelArgs depthwise, ConvCommonArgs args)
        : base(2, args)
    {
        if (depthMultiplier <= 0)
            throw new ArgumentOutOfRangeException(nameof(depthMultiplier), $"Invalid value for argument `depth_multiplier`. Expected a strictly positive value. Received depth_multiplier={depthMultiplier}.");
        RejectStridedDilation();
        DepthMultiplier = depthMultiplier;
        _depthwiseArgs = depthwise;
    }

    public override string ClassName => "DepthwiseConv2D";

    public int DepthMultiplier { get; }

    public Initializer DepthwiseInitializer => _depthwiseArgs.Initializer;

    public Regularizer? DepthwiseRegularizer => _depthwiseArgs.Regularizer;

    public Constraint? DepthwiseConstraint => _depthwiseArgs.Constraint;

    /// <summary>The (kh, kw, in, depth_multiplier) weight; null before build.</summary>
    public Variable? Kernel => _kernel;

    public override void Build(KerasShape inputShape)
    {
        int channels = InputChannels(inputShape);
        _kernel = AddKernel("kernel", new Shape(KernelSize[0], KernelSize[1], channels, DepthMultiplier), _depthwiseArgs);
        AddBias(channels * DepthMultiplier);
    }

    protected override Tensor Convolve(Tensor x) =>
        Ops.DepthwiseConv2D(x, _kernel!.Value, (Strides[0], Strides[1]), PaddingMode, (DilationRate[0], DilationRate[1]));

    protected override int? OutputChannels(int? inputChannels) => inputChannels * DepthMultiplier;

    public override JObject GetConfig() => ConvConfig(null, [_depthwiseArgs], afterPadding: ("depth_multiplier", DepthMultiplier));

    public static DepthwiseConv2D FromConfig(JObject config) =>
        new(LayerConfig.Get(config, "depth_multiplier", 1), KernelArgs.Read(config, "depthwise"), ConvCommonArgs.Read(config))
        { InputShape = LayerConfig.InputShape(config) };
}
