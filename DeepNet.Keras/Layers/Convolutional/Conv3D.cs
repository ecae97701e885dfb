using DeepNet.Keras.Constraints;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// 3-D convolution (Keras <c>keras.layers.Conv3D</c>): kernel (kd, kh, kw, in/groups, filters), bias
/// (filters,). Keras defaults: strides=(1, 1, 1), padding="valid", data_format="channels_last",
/// dilation_rate=(1, 1, 1), groups=1, activation=None, use_bias=True,
/// kernel_initializer="glorot_uniform", bias_initializer="zeros".
/// </summary>
public sealed class Conv3D : BaseConv
{
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">(kd, kh, kw), or one int for all three.</param>
    /// <param name="strides">(sd, sh, sw), or one int for all three.</param>
    /// <param name="padding">"valid" or "same" (TensorFlow's: the odd cell goes back/bottom/right).</param>
    public Conv3D(int filters, int[] kernelSize, int[]? strides = null, string padding = "valid", string? dataFormat = null,
        int[]? dilationRate = null, int groups = 1, string? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null, string? name = null, bool trainable = true)
        : base(3, filters, kernelSize, strides, padding, dataFormat, dilationRate, groups, activation, useBias,
            kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer, activityRegularizer,
            kernelConstraint, biasConstraint, name, trainable)
    {
    }

    private Conv3D(JObject config) : base(3, config)
    {
    }

    public override string ClassName => "Conv3D";

    public static Conv3D FromConfig(JObject config) => new(config) { InputShape = LayerConfig.InputShape(config) };
}
