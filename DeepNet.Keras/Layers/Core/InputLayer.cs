using DeepNet.Keras.Engine;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// The entry point of a functional model (Keras <c>InputLayer</c>): holds the batch shape and
/// makes the symbolic tensor <see cref="Output"/>. Usually made by <see cref="KerasApi.Input"/>.
/// Config keys (Keras 3): batch_shape, dtype ("float32"), sparse (false), ragged (false), name.
/// <para>dtype is any Keras dtype name DeepNet can hold (<see cref="KerasDTypes"/>): int32/int64
/// token ids, bool masks, float16/float64 data computed in float32. The config keeps the name;
/// data fed to the model is converted to it as Keras converts its inputs.</para>
/// </summary>
public sealed class InputLayer : Layer
{
    /// <param name="shape">Per-sample shape (without the batch).</param>
    /// <param name="batchSize">Fixed batch size, or null for None.</param>
    /// <param name="batchShape">Full shape with the batch; use instead of shape/batchSize.</param>
    /// <param name="dtype">Keras dtype name; null is "float32".</param>
    public InputLayer(int[]? shape = null, int? batchSize = null, KerasShape? batchShape = null, string? name = null, string? dtype = null)
        : base(name)
    {
        InputDType = KerasDTypes.Standardize(dtype, Name);
        StorageDType = KerasDTypes.StorageOf(InputDType, Name);
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
        Output = AddNode(Array.Empty<KerasTensor>(), [batchShape], outputDType: StorageDType, outputKerasDType: InputDType)[0];
    }

    public override string ClassName => "InputLayer";

    /// <summary>The shape with the batch (Keras <c>batch_shape</c>).</summary>
    public KerasShape InputBatchShape { get; }

    /// <summary>The Keras dtype name of the input ("float32", "int32", "bool"…), as the config writes it.</summary>
    public string InputDType { get; }

    /// <summary>The tensor type the input's data is held in (see <see cref="KerasDTypes"/>).</summary>
    public DType StorageDType { get; }

    /// <summary>The symbolic tensor this layer feeds.</summary>
    public KerasTensor Output { get; }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) => inputs;

    /// <summary>
    /// Data fed to this input as the input holds it (Keras's <c>convert_to_tensor(x, dtype)</c>
    /// in Functional): <paramref name="data"/> itself when it already is, else a converted copy.
    /// </summary>
    public Tensor Standardize(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return KerasDTypes.Convert(data, InputDType, StorageDType);
    }

    public override JObject GetConfig() => new()
    {
        ["batch_shape"] = InputBatchShape.ToJson(),
        ["dtype"] = InputDType,
        ["sparse"] = false,
        ["ragged"] = false,
        ["name"] = Name,
    };

    public static InputLayer FromConfig(JObject config)
    {
        var batch = config["batch_shape"] ?? config["batch_input_shape"]
            ?? throw new ArgumentException("InputLayer config needs batch_shape (Keras 3) or batch_input_shape (Keras 2).");
        if (config.Value<bool?>("sparse") == true || config.Value<bool?>("ragged") == true)
            throw new NotSupportedException($"InputLayer '{LayerConfig.Name(config)}': sparse and ragged inputs are not supported.");
        return new InputLayer(batchShape: KerasShape.FromJson(batch), name: LayerConfig.Name(config), dtype: DTypeName(config));
    }

    /// <summary>The dtype of a config: a name (Keras 3, Keras 2), a dtype policy object, or null (float32).</summary>
    private static string? DTypeName(JObject config) => config["dtype"] switch
    {
        null or { Type: JTokenType.Null } => null,
        { Type: JTokenType.String } s => (string)s!,
        JObject policy when policy["config"]?["name"] is { Type: JTokenType.String } n => (string)n!,
        var other => throw new ArgumentException($"InputLayer '{LayerConfig.Name(config)}': unreadable dtype {other.ToString(Newtonsoft.Json.Formatting.None)}."),
    };
}
