#nullable enable
using DeepNet.Autograd;
using DeepNet.Backends;
using DeepNet.Backends.Cpu;

namespace DeepNet;

// Fused ops: one tape node with a hand-written backward instead of a chain of primitives. Each is
// tested against its composition (Dense vs MatMul + Add + activation, cross-entropy vs LogSoftmax).
public static partial class Ops
{
    /// <summary>
    /// activation(x·kernel + bias), the Keras Dense layer: x (…, in), kernel (in, units), bias
    /// (units,) or null → (…, units). Leading axes of x are treated as batch.
    /// </summary>
    public static Tensor Dense(Tensor x, Tensor kernel, Tensor? bias = null, ActivationKind activation = ActivationKind.Linear, float alpha = 0f)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(kernel);
        SameBackend("Dense", x, kernel);
        CheckFloat("Dense", x);
        CheckFloat("Dense", kernel, "kernel");
        CheckRank("Dense", kernel, 2, "kernel");
        if (x.Rank < 1 || x.Shape[-1] != kernel.Shape[0])
            throw new ShapeMismatchException("Dense", $"kernel {kernel.Shape} expects {kernel.Shape[0]} input features, got x {x.Shape}.");
        int units = kernel.Shape[1];
        if (bias is not null)
        {
            SameBackend("Dense", x, bias);
            if (bias.Shape != new Shape(units))
                throw new ShapeMismatchException("Dense", $"bias {bias.Shape} must have shape ({units},) for kernel {kernel.Shape}.");
        }

        var backend = x.Backend;
        var outDims = x.Shape.ToArray();
        outDims[^1] = units;
        var outShape = new Shape(outDims);
        using var x2 = x.Reshape(-1, kernel.Shape[0]);
        int rows = x2.Shape[0];

        // z = x·W + b: broadcast the bias into z, then let the GEMM accumulate onto it (beta = 1).
        var z = NewLike(x, new Shape(rows, units));
        if (bias is not null)
        {
            using var b2 = bias.Reshape(1, units);
            backend.Tile(b2, z);
        }
        backend.Gemm(x2, kernel, z, beta: bias is null ? 0f : 1f);

        Tensor y2;
        if (activation == ActivationKind.Linear) y2 = z;
        else
        {
            y2 = NewLike(x, z.Shape);
            backend.Activation(activation, z, null, y2, alpha);
        }
        var y = y2.Reshape(outShape);

        if (Recording)
        {
            Tensor[] inputs = bias is null ? [x, kernel] : [x, kernel, bias];
            GradientTape.Record("Dense", y, inputs, (dy, want) =>
            {
                using var dy2 = dy.Reshape(rows, units);
                Tensor dz;
                if (activation == ActivationKind.Linear) dz = Alias(dy2);
                else
                {
                    dz = NewLike(x, z.Shape);
                    backend.ActivationBackward(activation, z, y2, dy2, dz, alpha);
                }
                using (dz)
                {
                    var grads = new Tensor?[inputs.Length];
                    if (want[0])
                    {
                        grads[0] = ReshapeOwned(Gemm(dz, kernel, false, true), x.Shape);
                    }
                    if (want[1])
                    {
                        using var xs = x.Reshape(rows, kernel.Shape[0]);
                        grads[1] = Gemm(xs, dz, true, false);
                    }
                    if (inputs.Length == 3 && want[2]) grads[2] = Sum(dz, [0]);
                    return grads;
                }
            });
        }
        else if (!ReferenceEquals(y2, z))
        {
            z.Dispose();
        }
        if (!Recording) y2.Dispose();   // y is a view holding the memory
        return y;
    }

    /// <summary>
    /// Cross-entropy of softmax(logits) against probability labels, per sample:
    /// −Σ labels·log_softmax(logits) over the last axis → shape of logits without it. The fused
    /// backward is softmax(logits) − labels (labels are assumed to sum to 1, as TensorFlow assumes).
    /// </summary>
    public static Tensor SoftmaxCrossEntropy(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        SameBackend("SoftmaxCrossEntropy", logits, labels);
        CheckFloat("SoftmaxCrossEntropy", logits, "logits");
        CheckFloat("SoftmaxCrossEntropy", labels, "labels");
        if (logits.Rank < 1 || labels.Shape != logits.Shape)
            throw new ShapeMismatchException("SoftmaxCrossEntropy", $"labels {labels.Shape} must have the shape of logits {logits.Shape}.");
        return CrossEntropyCore("SoftmaxCrossEntropy", logits, labels, [logits, labels]);
    }

    /// <summary>
    /// Cross-entropy of softmax(logits) against integer class labels, per sample: logits (…, C),
    /// labels (…) int32/int64 in [0, C) → shape (…). Backward: softmax(logits) − one_hot(labels).
    /// A label outside [0, C) throws, as in Keras: at once on the CPU backend; on a device backend
    /// the backend reports it at its next host synchronisation.
    /// </summary>
    public static Tensor SparseSoftmaxCrossEntropy(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        SameBackend("SparseSoftmaxCrossEntropy", logits, labels);
        CheckFloat("SparseSoftmaxCrossEntropy", logits, "logits");
        CheckInteger("SparseSoftmaxCrossEntropy", labels, "labels");
        bool fits = logits.Rank == labels.Rank + 1;
        for (int i = 0; fits && i < labels.Rank; i++) fits = labels.Shape[i] == logits.Shape[i];
        if (!fits)
            throw new ShapeMismatchException("SparseSoftmaxCrossEntropy", $"labels {labels.Shape} must have the shape of logits {logits.Shape} without the last axis.");
        if (labels.Backend is CpuBackend) CpuBackend.CheckClassLabels("SparseSoftmaxCrossEntropy", labels, logits.Shape[-1]);
        else ProbeLabelsOnDevice(labels, logits.Shape[-1]);
        var oneHot = OneHot(labels, logits.Shape[-1]);
        var loss = CrossEntropyCore("SparseSoftmaxCrossEntropy", logits, oneHot, [logits, labels]);
        Release(oneHot);
        return loss;
    }

    /// <summary>
    /// Device labels are not read back (that would synchronise every training step). Instead they
    /// index a gather from a vector of the class count: a device backend checks gather indices in
    /// the kernel and reports a bad one, as a Gather error naming the label and [0, classes), at
    /// its next host synchronisation. The gathered values are discarded.
    /// </summary>
    private static void ProbeLabelsOnDevice(Tensor labels, int classes)
    {
        var backend = labels.Backend;
        using var table = Tensor.Empty(new Shape(classes), DType.Float32, backend);
        using var probe = Tensor.Empty(labels.Shape, DType.Float32, backend);
        backend.Gather(table, labels, 0, probe);
    }

    /// <summary>Forward and fused backward shared by both cross-entropies; <paramref name="inputs"/> is what the tape sees.</summary>
    private static Tensor CrossEntropyCore(string op, Tensor logits, Tensor labels, Tensor[] inputs)
    {
        var backend = logits.Backend;
        var logProbs = NewLike(logits, logits.Shape);
        backend.Softmax(logits, logProbs, log: true);
        var kept = logits.Shape.With(-1, 1);
        var loss = NewLike(logits, kept);
        using (var weighted = NewLike(logits, logits.Shape))
        {
            backend.Binary(BinaryOp.Multiply, labels, logProbs, weighted);
            backend.Reduce(ReduceOp.Sum, weighted, [logits.Rank - 1], loss);
        }
        var negated = NewLike(logits, kept);
        backend.Unary(UnaryOp.Negate, loss, negated);
        loss.Dispose();
        var y = ReshapeOwned(negated, new Shape(logits.Shape.ToArray()[..^1]));

        if (Recording)
        {
            bool labelsAreInput = ReferenceEquals(inputs[1], labels);
            GradientTape.Record(op, y, inputs, (dy, want) =>
            {
                using var dyKept = dy.Reshape(kept);
                Tensor? dLogits = null, dLabels = null;
                if (want[0])
                {
                    using var probs = Exp(logProbs);
                    using var diff = Subtract(probs, labels);
                    dLogits = Multiply(diff, dyKept);
                }
                if (want[1] && labelsAreInput)
                {
                    using var t = Multiply(logProbs, dyKept);
                    dLabels = Negate(t);
                }
                return [dLogits, dLabels];
            });
        }
        else logProbs.Dispose();
        return y;
    }
}
