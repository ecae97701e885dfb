using DeepNet.Keras.Engine;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// The entry point of a functional model (Keras <c>InputLayer</c>): holds the batch shape and
/// makes the symbolic tensor <see cref="Output"/>. Usually made by <see cref="KerasApi.Input"/>.
/// Config keys (Keras 3): batch_shape, dtype ("float32"), sparse (false), ragged (false), name.
/// </summary>
public sealed class InputLayer : Layer
{
    /// <param name="shape">Per-sample shape (without the batch).</param>
    /// <param name="batchSize">Fixed batch size, or null for None.</param>
    /// <param name="batchShape">Full shape with the batch; use instead of shape/batchSize.</param>
    public InputLayer(int[]? shape = null, int? batchSize = null, KerasShape? batchShape = null, string? name = null)
        : base(name)
    {
        if (batchShape is null)
        {
            if (shape is null) throw new ArgumentException("You must pass a `shape` argument to InputLayer.");
            var dims = new int?[shape.Length + 1];
            dims[0] = batchSize;
            for (int i = 0; i < shape.Length; i++) dims[i + 1] = shape[i];
            batchShape = new KerasShape(dims);
        }
        else if (shape is not null)
            throw new ArgumentException("You cannot pass both `shape` and `batch_shape` to InputLayer.");
        InputBatchShape = batchShape;
        EnsureBuilt(batchShape);
        Output = AddNode(Array.Empty<KerasTensor>(), [batchShape])[0];
    }

    public override string ClassName => "InputLayer";

    /// <summary>The shape with the batch (Keras <c>batch_shape</c>).</summary>
    public KerasShape InputBatchShape { get; }

    /// <summary>The symbolic tensor this layer feeds.</summary>
    public KerasTensor Output { get; }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) => inputs;

    public override JObject GetConfig() => new()
    {
        ["batch_shape"] = InputBatchShape.ToJson(),
        ["dtype"] = "float32",
        ["sparse"] = false,
        ["ragged"] = false,
        ["name"] = Name,
    };

    public static InputLayer FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        var batch = config["batch_shape"] ?? config["batch_input_shape"]
            ?? throw new ArgumentException("InputLayer config needs batch_shape (Keras 3) or batch_input_shape (Keras 2).");
        if (config.Value<bool?>("sparse") == true || config.Value<bool?>("ragged") == true)
            throw new NotSupportedException($"InputLayer '{LayerConfig.Name(config)}': sparse and ragged inputs are not supported.");
        return new InputLayer(batchShape: KerasShape.FromJson(batch), name: LayerConfig.Name(config));
    }
}
