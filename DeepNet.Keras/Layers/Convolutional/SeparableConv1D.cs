using DeepNet.Keras.Constraints;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Depthwise-separable 1-D convolution (Keras <c>keras.layers.SeparableConv1D</c>):
/// depthwise_kernel (k, in, depth_multiplier), pointwise_kernel (1, in·depth_multiplier, filters), bias (filters,). Keras defaults: strides=1, padding="valid", data_format="channels_last", dilation_rate=1,
/// depth_multiplier=1, activation=None, use_bias=True, depthwise_/pointwise_initializer="glorot_uniform",
/// bias_initializer="zeros".
/// </summary>
public sealed class SeparableConv1D : BaseSeparableConv
{
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">(k), one int.</param>
    /// <param name="padding">"valid" or "same".</param>
    public SeparableConv1D(int filters, int[] kernelSize, int[]? strides = null, string padding = "valid", string? dataFormat = null,
        int[]? dilationRate = null, int depthMultiplier = 1, string? activation = null, bool useBias = true,
        Initializer? depthwiseInitializer = null, Initializer? pointwiseInitializer = null, Initializer? biasInitializer = null,
        Regularizer? depthwiseRegularizer = null, Regularizer? pointwiseRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? depthwiseConstraint = null, Constraint? pointwiseConstraint = null,
        Constraint? biasConstraint = null, string? name = null, bool trainable = true)
        : base(1, filters, kernelSize, strides, padding, dataFormat, dilationRate, depthMultiplier, activation, useBias,
            depthwiseInitializer, pointwiseInitializer, biasInitializer, depthwiseRegularizer, pointwiseRegularizer, biasRegularizer,
            activityRegularizer, depthwiseConstraint, pointwiseConstraint, biasConstraint, name, trainable)
    {
    }

    private SeparableConv1D(JObject config) : base(1, config)
    {
    }

    public override string ClassName => "SeparableConv1D";

    public static SeparableConv1D FromConfig(JObject config) => new(config) { InputShape = LayerConfig.InputShape(config) };
}
