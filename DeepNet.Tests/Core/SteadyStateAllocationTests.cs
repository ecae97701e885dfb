using DeepNet.Autograd;
using DeepNet.Backends;
using DeepNet.Backends.Cpu;
using DeepNet.Memory;

namespace DeepNet.Tests.Core;

/// <summary>
/// A training step run inside a <see cref="TensorScope"/> must give every buffer back, and once
/// the loop has warmed up the allocator must serve every request from its cache.
/// </summary>
public class SteadyStateAllocationTests
{
    [Test]
    public void MlpAndConvTrainingSteps_AfterWarmUp_AllocateNothingFresh()
    {
        var pool = new CpuMemoryPool();
        var backend = new CpuBackend(pool, threads: 2);

        // A small conv net: conv 3x3 -> relu -> max pool -> dense -> softmax cross-entropy, SGD.
        using var kernel = Ops.RandomNormal(new Shape(3, 3, 1, 4), 0f, 0.3f, seed: 1, offset: 0, backend: backend);
        using var dense = Ops.RandomNormal(new Shape(4 * 4 * 4, 10), 0f, 0.1f, seed: 2, offset: 0, backend: backend);
        using var bias = Tensor.Zeros(new Shape(10), backend: backend);
        using var x = Ops.RandomUniform(new Shape(8, 10, 10, 1), 0f, 1f, seed: 3, offset: 0, backend: backend);
        var labelData = new float[8 * 10];
        for (int i = 0; i < 8; i++) labelData[i * 10 + i % 10] = 1f;
        using var labels = Tensor.FromArray(labelData, new Shape(8, 10), backend);
        var variables = new[] { kernel, dense, bias };

        long buffersBefore = pool.Stats.BuffersInUse;
        long freshAfterWarmUp = 0;
        for (int step = 0; step < 20; step++)
        {
            if (step == 3) freshAfterWarmUp = pool.Stats.FreshAllocations;
            using var scope = TensorScope.Begin();
            using var tape = new GradientTape();
            var h = Ops.Relu(Ops.Conv2D(x, kernel));                    // (8, 8, 8, 4)
            var p = Ops.MaxPool2D(h, (2, 2));                           // (8, 4, 4, 4)
            var logits = Ops.Dense(Ops.Reshape(p, 8, -1), dense, bias);
            var loss = Ops.Mean(Ops.SoftmaxCrossEntropy(logits, labels));
            var grads = tape.Gradient(loss, variables);
            for (int v = 0; v < variables.Length; v++)
                backend.OptimizerUpdate(new OptimizerStep(OptimizerKind.Sgd, 0.1f, step + 1), variables[v], grads[v], []);
        }

        Assert.Multiple(() =>
        {
            Assert.That(pool.Stats.BuffersInUse, Is.EqualTo(buffersBefore), "every tensor of a step goes back when its scope ends");
            Assert.That(pool.Stats.FreshAllocations, Is.EqualTo(freshAfterWarmUp), "steady-state steps are served from the cache");
        });
    }
}
