using DeepNet.Backends;

namespace DeepNet.Tests.Autograd;

/// <summary>End to end: a two-layer MLP with a mean cross-entropy loss, against float64 finite differences.</summary>
public class MlpGradientTests
{
    private const int Batch = 4, Inputs = 5, Hidden = 6, Classes = 3;
    private static readonly int[] Labels = [2, 0, 1, 2];

    /// <summary>mean(sparse CE(relu(x·W1 + b1)·W2 + b2, labels)) in float64.</summary>
    private static double[] Reference(double[][] p)
    {
        double[] x = p[0], w1 = p[1], b1 = p[2], w2 = p[3], b2 = p[4];
        double total = 0;
        for (int n = 0; n < Batch; n++)
        {
            var h = new double[Hidden];
            for (int j = 0; j < Hidden; j++)
            {
                double s = b1[j];
                for (int i = 0; i < Inputs; i++) s += x[n * Inputs + i] * w1[i * Hidden + j];
                h[j] = Math.Max(s, 0);
            }
            var logits = new double[Classes];
            for (int k = 0; k < Classes; k++)
            {
                double s = b2[k];
                for (int j = 0; j < Hidden; j++) s += h[j] * w2[j * Classes + k];
                logits[k] = s;
            }
            total -= Float64.Softmax(logits, Classes, log: true)[Labels[n]];
        }
        return [total / Batch];
    }

    [Test]
    public void TwoLayerMlp_DenseReluDenseCrossEntropy_MatchesFiniteDifferences()
    {
        Shape[] shapes = [new(Batch, Inputs), new(Inputs, Hidden), new(Hidden), new(Hidden, Classes), new(Classes)];
        GradientCheck.Check("MLP",
            p =>
            {
                var labels = Tensor.FromArray(Labels, new Shape(Batch), Backend.Cpu);
                var h = DeepNet.Ops.Dense(p[0], p[1], p[2], ActivationKind.Relu);
                var logits = DeepNet.Ops.Dense(h, p[3], p[4]);
                return DeepNet.Ops.Mean(DeepNet.Ops.SparseSoftmaxCrossEntropy(logits, labels));
            },
            Reference, shapes);
    }

    [Test]
    public void TwoLayerMlp_FromPrimitives_MatchesFiniteDifferences()
    {
        Shape[] shapes = [new(Batch, Inputs), new(Inputs, Hidden), new(Hidden), new(Hidden, Classes), new(Classes)];
        GradientCheck.Check("MLP from primitives",
            p =>
            {
                var labels = Tensor.FromArray(Labels, new Shape(Batch), Backend.Cpu);
                var h = DeepNet.Ops.Relu(DeepNet.Ops.MatMul(p[0], p[1]) + p[2]);
                var logits = DeepNet.Ops.MatMul(h, p[3]) + p[4];
                var oneHot = DeepNet.Ops.OneHot(labels, Classes);
                var perSample = -DeepNet.Ops.Sum(oneHot * DeepNet.Ops.LogSoftmax(logits), [-1]);
                return DeepNet.Ops.Mean(perSample);
            },
            Reference, shapes);
    }
}
