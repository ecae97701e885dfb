using DeepNet.Keras.Constraints;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Depthwise-separable 2-D convolution (Keras <c>keras.layers.SeparableConv2D</c>):
/// depthwise_kernel (kh, kw, in, depth_multiplier), pointwise_kernel (1, 1, in·depth_multiplier, filters), bias (filters,). Keras defaults: strides=(1, 1), padding="valid", data_format="channels_last", dilation_rate=(1, 1),
/// depth_multiplier=1, activation=None, use_bias=True, depthwise_/pointwise_initializer="glorot_uniform",
/// bias_initializer="zeros".
/// </summary>
public sealed class SeparableConv2D : BaseSeparableConv
{
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">(kh, kw), or one int for both.</param>
    /// <param name="padding">"valid" or "same".</param>
    public SeparableConv2D(int filters, int[] kernelSize, int[]? strides = null, string padding = "valid", string? dataFormat = null,
        int[]? dilationRate = null, int depthMultiplier = 1, string? activation = null, bool useBias = true,
        Initializer? depthwiseInitializer = null, Initializer? pointwiseInitializer = null, Initializer? biasInitializer = null,
        Regularizer? depthwiseRegularizer = null, Regularizer? pointwiseRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? depthwiseConstraint = null, Constraint? pointwiseConstraint = null,
        Constraint? biasConstraint = null, string? name = null, bool trainable = true)
        : base(2, filters, kernelSize, strides, padding, dataFormat, dilationRate, depthMultiplier, activation, useBias,
            depthwiseInitializer, pointwiseInitializer, biasInitializer, depthwiseRegularizer, pointwiseRegularizer, biasRegularizer,
            activityRegularizer, depthwiseConstraint, pointwiseConstraint, biasConstraint, name, trainable)
    {
    }

    private SeparableConv2D(JObject config) : base(2, config)
    {
    }

    public override string ClassName => "SeparableConv2D";

    public static SeparableConv2D FromConfig(JObject config) => new(config) { InputShape = LayerConfig.InputShape(config) };
}
