using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Base of the elementwise merge layers (Keras <c>keras.layers.Merge</c>): two or more inputs
/// whose shapes broadcast together, combined pairwise by <see cref="Combine"/>.
/// </summary>
public abstract class Merge : Layer
{
    protected Merge(string? name, bool trainable) : base(name, trainable) { }

    /// <summary>Fewest inputs the layer takes.</summary>
    protected virtual int MinInputs => 2;

    /// <summary>Combines two tensors (left fold over the inputs).</summary>
    protected abstract Tensor Combine(Tensor a, Tensor b);

    /// <summary>A last step over the folded result (Average divides); identity by default.</summary>
    protected virtual Tensor Finish(Tensor result, int count) => result;

    public override void Build(IReadOnlyList<KerasShape> inputShapes) => ComputeOutputShape(inputShapes);

    /// <summary>A timestep is kept where every input that has a mask keeps it (Keras <c>Merge.compute_mask</c>).</summary>
    public override Tensor? ComputeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks)
    {
        Tensor? combined = null;
        foreach (var mask in masks)
        {
            if (mask is not null) combined = combined is null ? mask : Ops.Minimum(combined, mask);
        }
        return combined;
    }

    public override Tensor[] Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        CheckCount(inputs.Count);
        var result = inputs[0];
        for (int i = 1; i < inputs.Count; i++) result = Combine(result, inputs[i]);
        return [Finish(result, inputs.Count)];
    }

    public override KerasShape[] ComputeOutputShape(IReadOnlyList<KerasShape> inputShapes)
    {
        CheckCount(inputShapes.Count);
        var shape = inputShapes[0];
        for (int i = 1; i < inputShapes.Count; i++) shape = BroadcastShapes(shape, inputShapes[i]);
        return [shape];
    }

    private void CheckCount(int count)
    {
        if (count < MinInputs)
            throw new ArgumentException($"A merge layer should be called on a list of at least {MinInputs} inputs. Got {count} inputs. Layer '{Name}' ({ClassName}).");
    }

    private KerasShape BroadcastShapes(KerasShape a, KerasShape b)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new int?[rank];
        for (int i = 0; i < rank; i++)
        {
            int? da = i < rank - a.Rank ? 1 : a[i - (rank - a.Rank)];
            int? db = i < rank - b.Rank ? 1 : b[i - (rank - b.Rank)];
            if (da is int x && db is int y && x != y && x != 1 && y != 1)
                throw new ShapeMismatchException($"Layer \"{Name}\"", $"inputs must have compatible shapes for {ClassName}. Received: input shapes {a} and {b}");
            dims[i] = da == 1 ? db : db == 1 ? da : da ?? db;
        }
        return new KerasShape(dims);
    }

    /// <summary>Base-keys-only FromConfig for the parameterless merges.</summary>
    protected static T FromBase<T>(JObject config, Func<string?, bool, T> make) where T : Layer
    {
        LayerConfig.CheckDType(config);
        return make(LayerConfig.Name(config), LayerConfig.Trainable(config));
    }
}
