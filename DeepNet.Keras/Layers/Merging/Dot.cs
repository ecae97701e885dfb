using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Dot product of two samples along the given axes (Keras <c>keras.layers.Dot</c>, a batched dot):
/// rank-2 inputs (batch, d) give (batch, 1); rank-3 inputs give a batched matrix product over
/// the chosen axes. With <see cref="Normalize"/>, inputs are L2-normalised first (cosine
/// proximity). Keras default: normalize=False. Config: axes, normalize.
/// </summary>
public sealed class Dot : Layer
{
    /// <param name="axes">One axis for both inputs, or one per input (batch is axis 0).</param>
    public Dot(int[] axes, bool normalize = false, string? name = null, bool trainable = true) : base(name, trainable)
    {
        ArgumentNullException.ThrowIfNull(axes);
        if (axes.Length is not (1 or 2))
            throw new ArgumentException($"Invalid format for argument `axes`: list should contain two elements. Received: axes=({string.Join(", ", axes)})", nameof(axes));
        Axes = axes.Length == 1 ? [axes[0], axes[0]] : (int[])axes.Clone();
        Normalize = normalize;
        AxesWasPair = axes.Length == 2;
    }

    public Dot(int axes, bool normalize = false, string? name = null, bool trainable = true) : this([axes], normalize, name, trainable) { }

    public override string ClassName => "Dot";

    public int[] Axes { get; }

    private bool AxesWasPair { get; }

    public bool Normalize { get; }

    public override void Build(IReadOnlyList<KerasShape> inputShapes) => ComputeOutputShape(inputShapes);

    private (int A, int B) ResolveAxes(int rankA, int rankB) =>
        (Axes[0] < 0 ? Axes[0] + rankA : Axes[0], Axes[1] < 0 ? Axes[1] + rankB : Axes[1]);

    public override Tensor[] Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        if (inputs.Count != 2) throw new ArgumentException($"A `Dot` layer should be called on a list of 2 inputs. Received: {inputs.Count} inputs. Layer '{Name}'.");
        var (a, b) = (inputs[0], inputs[1]);
        var (axA, axB) = ResolveAxes(a.Rank, b.Rank);
        if (Normalize)
        {
            a = L2Normalize(a, axA);
            b = L2Normalize(b, axB);
        }
        if (a.Rank == 2 && b.Rank == 2) return [Ops.Sum(Ops.Multiply(a, b), [1], keepDims: true)];
        if (a.Rank == 3 && b.Rank == 3)
            return [Ops.MatMul(a, b, transposeA: axA == 1, transposeB: axB == 2)];
        throw new NotSupportedException($"Layer '{Name}': Dot supports rank-2 or rank-3 inputs, received {a.Shape} and {b.Shape}.");
    }

    private static Tensor L2Normalize(Tensor x, int axis)
    {
        var norm = Ops.Sqrt(Ops.Maximum(Ops.Sum(Ops.Square(x), [axis], keepDims: true), 1e-12f));
        return Ops.Divide(x, norm);
    }

    public override KerasShape[] ComputeOutputShape(IReadOnlyList<KerasShape> inputShapes)
    {
        if (inputShapes.Count != 2) throw new ArgumentException($"A `Dot` layer should be called on a list of 2 inputs. Received: {inputShapes.Count} inputs. Layer '{Name}'.");
        var (a, b) = (inputShapes[0], inputShapes[1]);
        var (axA, axB) = ResolveAxes(a.Rank, b.Rank);
        if (a[axA] is int x && b[axB] is int y && x != y)
            throw new ShapeMismatchException($"Layer \"{Name}\"", $"incompatible input shapes: axis values {x} (at axis {axA}) != {y} (at axis {axB}). Full input shapes: {a}, {b}");
        if (a.Rank == 2 && b.Rank == 2) return [new KerasShape(a[0], 1)];
        if (a.Rank == 3 && b.Rank == 3) return [new KerasShape(a[0], a[axA == 1 ? 2 : 1], b[axB == 1 ? 2 : 1])];
        throw new NotSupportedException($"Layer '{Name}': Dot supports rank-2 or rank-3 inputs, received {a} and {b}.");
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["axes"] = AxesWasPair ? LayerConfig.ToJson(Axes) : Axes[0];
        config["normalize"] = Normalize;
        return config;
    }

    public static Dot FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        var t = config["axes"] ?? throw new ArgumentException("Dot config needs axes.");
        int[] axes = t is JArray a ? a.Select(v => v.Value<int>()).ToArray() : [t.Value<int>()];
        return new Dot(axes, LayerConfig.Get(config, "normalize", false), LayerConfig.Name(config), LayerConfig.Trainable(config));
    }
}
