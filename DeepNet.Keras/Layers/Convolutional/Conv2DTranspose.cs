using DeepNet.Keras.Constraints;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Transposed 2-D convolution (Keras <c>keras.layers.Conv2DTranspose</c>), the adjoint of Conv2D:
/// kernel (kh, kw, filters, in), bias (filters,). Keras defaults: strides=(1, 1), padding="valid", output_padding=None,
/// data_format="channels_last", dilation_rate=(1, 1), activation=None, use_bias=True,
/// kernel_initializer="glorot_uniform", bias_initializer="zeros".
/// </summary>
public sealed class Conv2DTranspose : BaseConvTranspose
{
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">(kh, kw), or one int for both.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="outputPadding">Extra cells at the end of each output axis, each below its stride; null for Keras's default lengths.</param>
    public Conv2DTranspose(int filters, int[] kernelSize, int[]? strides = null, string padding = "valid", int[]? outputPadding = null,
        string? dataFormat = null, int[]? dilationRate = null, string? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null, string? name = null, bool trainable = true)
        : base(2, filters, kernelSize, strides, padding, outputPadding, dataFormat, dilationRate, activation, useBias,
            kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer, activityRegularizer,
            kernelConstraint, biasConstraint, name, trainable)
    {
    }

    private Conv2DTranspose(JObject config) : base(2, config)
    {
    }

    public override string ClassName => "Conv2DTranspose";

    public static Conv2DTranspose FromConfig(JObject config) => new(config) { InputShape = LayerConfig.InputShape(config) };
}
