using OptimizerRegistry = DeepNet.Keras.Optimizers.Optimizers;
using DeepNet.Keras;
using DeepNet.Keras.Optimizers;
using DeepNet.Keras.Optimizers.Schedules;
using static DeepNet.Tests.Keras.Optimizers.OptimizerTestProblem;

namespace DeepNet.Tests.Keras.Optimizers;

/// <summary>
/// Optimizer variables (Keras 3 save order and paths), the learning rate and argument checks.
/// </summary>
public class OptimizerStateTests
{
    private static string[] Paths(Optimizer optimizer) => optimizer.Variables.Select(v => v.Path).ToArray();

    private static (Variable Kernel, Variable Bias) TwoVariables() =>
        (NewVariable(new float[] { 1, 2, 3, 4, 5, 6 }, "dense/kernel"), NewVariable(new float[] { 0.5f, -0.5f }, "dense/bias"));

    [Test]
    public void Variables_Adam_InterleavedThenVelocityHats()
    {
        var adam = new Adam(amsgrad: true, name: "adam");
        var (kernel, bias) = TwoVariables();
        adam.Build(new[] { kernel, bias });
        Assert.That(Paths(adam), Is.EqualTo(new[]
        {
            "adam/iteration", "adam/learning_rate",
            "adam/dense_kernel_momentum", "adam/dense_kernel_velocity",
            "adam/dense_bias_momentum", "adam/dense_bias_velocity",
            "adam/dense_kernel_velocity_hat", "adam/dense_bias_velocity_hat",
        }));
        Assert.That(adam.Variables[2].Shape, Is.EqualTo(kernel.Shape));
        Assert.That(adam.Variables[4].Shape, Is.EqualTo(bias.Shape));
        Assert.That(adam.Variables.All(v => !v.Trainable), Is.True);
    }

    [Test]
    public void Variables_RmsPropCenteredMomentum_OneKindAfterAnother()
    {
        var rms = new RMSprop(momentum: 0.9, centered: true, name: "rmsprop");
        var (kernel, bias) = TwoVariables();
        rms.Build(new[] { kernel, bias });
        Assert.That(Paths(rms), Is.EqualTo(new[]
        {
            "rmsprop/iteration", "rmsprop/learning_rate",
            "rmsprop/dense_kernel_velocity", "rmsprop/dense_bias_velocity",
            "rmsprop/dense_kernel_momentum", "rmsprop/dense_bias_momentum",
            "rmsprop/dense_kernel_average_gradient", "rmsprop/dense_bias_average_gradient",
        }));
    }

    [Test]
    public void Variables_SgdWithoutMomentum_HasNoSlots()
    {
        var sgd = new SGD(name: "sgd");
        var (kernel, bias) = TwoVariables();
        sgd.Build(new[] { kernel, bias });
        Assert.That(Paths(sgd), Is.EqualTo(new[] { "sgd/iteration", "sgd/learning_rate" }));
    }

    [Test]
    public void Variables_WithSchedule_HaveNoLearningRate()
    {
        var sgd = new SGD(learningRate: new InverseTimeDecay(0.1, 1, 0.5), momentum: 0.9, name: "sgd_s");
        var (kernel, _) = TwoVariables();
        sgd.Build(new[] { kernel });
        Assert.That(Paths(sgd), Is.EqualTo(new[] { "sgd_s/iteration", "sgd_s/dense_kernel_momentum" }));
    }

    [Test]
    public void Variables_Accumulation_AccumulatorsBeforeSlots()
    {
        var adagrad = new Adagrad(gradientAccumulationSteps: 2, name: "adagrad");
        var (kernel, bias) = TwoVariables();
        adagrad.Build(new[] { kernel, bias });
        Assert.That(Paths(adagrad), Is.EqualTo(new[]
        {
            "adagrad/iteration", "adagrad/learning_rate",
            "adagrad/dense_kernel_gradient_accumulator", "adagrad/dense_bias_gradient_accumulator",
            "adagrad/dense_kernel_accumulator", "adagrad/dense_bias_accumulator",
        }));
        Assert.That(adagrad.Variables[4].ToArray(), Is.All.EqualTo(0.1f), "accumulator starts at initial_accumulator_value");
    }

    [Test]
    public void Iteration_IsAnInt64VariableCountingSteps()
    {
        var adam = new Adam();
        Run(adam);
        var iteration = adam.Variables[0];
        Assert.That(iteration.DType, Is.EqualTo(DType.Int64));
        Assert.That(iteration.Value.ToArray<long>(), Is.EqualTo(new long[] { 3 }));
    }

    [Test]
    public void LearningRate_Schedule_EvaluatedAtTheIterationBeforeEachStep()
    {
        var schedule = new ExponentialDecay(0.5, decaySteps: 1, decayRate: 0.5);
        var sgd = new SGD(learningRate: schedule);
        var after = Run(sgd);
        var w = Widen(Initial);
        var expected = new List<double[]>();
        for (int s = 0; s < 3; s++)
        {
            double lr = (float)(0.5 * Math.Pow(0.5, s)); // step s = iterations before the update
            for (int i = 0; i < w.Length; i++) w[i] -= lr * Gradients[s][i];
            expected.Add((double[])w.Clone());
        }
        AssertSteps(expected, after);
        Assert.That(sgd.LearningRate, Is.EqualTo(schedule.Call(3)));
    }

    [Test]
    public void LearningRate_Set_ReplacesTheScheduleAndRestoresTheVariable()
    {
        var sgd = new SGD(learningRate: new PolynomialDecay(0.1, 10), name: "sgd_lr");
        sgd.LearningRate = 0.25f;
        Assert.That(sgd.Schedule, Is.Null);
        Assert.That(sgd.LearningRate, Is.EqualTo(0.25f));
        Assert.That(Paths(sgd), Is.EqualTo(new[] { "sgd_lr/iteration", "sgd_lr/learning_rate" }));
        Assert.That(sgd.Variables[1].ToArray(), Is.EqualTo(new[] { 0.25f }));
        Assert.That((double)sgd.GetConfig()["learning_rate"]!, Is.EqualTo((double)0.25f));
    }

    [Test]
    public void LearningRate_Set_UsedByTheNextStep()
    {
        var sgd = new SGD(learningRate: 1.0);
        sgd.LearningRate = 0.5f;
        var after = Run(sgd, gradients: new[] { Gradients[0] });
        AssertClose(Initial.Select((w, i) => w - 0.5 * Gradients[0][i]).ToArray(), after[0], "after one step");
    }

    [Test]
    public void TwoClipOptions_Throw()
    {
        Assert.That(() => new Adam(clipnorm: 1.0, clipvalue: 0.5),
            Throws.ArgumentException.With.Message.Contains("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set")
                .And.Message.Contains("clipnorm=1").And.Message.Contains("clipvalue=0.5"));
        Assert.That(() => new SGD(clipnorm: 1.0, globalClipnorm: 2.0), Throws.ArgumentException.With.Message.Contains("global_clipnorm=2"));
    }

    [Test]
    public void UseEma_NotSupported()
    {
        Assert.That(() => new Adam(useEma: true), Throws.TypeOf<NotSupportedException>().With.Message.Contains("use_ema"));
    }

    [Test]
    public void GradientAccumulationSteps_BelowTwo_Throws()
    {
        Assert.That(() => new Adam(gradientAccumulationSteps: 1), Throws.InstanceOf<ArgumentException>().With.Message.Contains("gradient_accumulation_steps"));
    }

    [Test]
    public void SgdMomentum_OutOfRange_Throws()
    {
        Assert.That(() => new SGD(momentum: 1.5), Throws.InstanceOf<ArgumentException>().With.Message.Contains("momentum"));
    }

    [Test]
    public void ApplyGradients_MismatchedShape_NamesTheVariableAndBothShapes()
    {
        var adam = new Adam();
        using var g = Tensor.Zeros(new Shape(3, 2));
        using var kernel = new Variable(Tensor.Zeros(new Shape(2, 3)), "kernel") { Path = "dense_1/kernel" };
        var e = Assert.Throws<ShapeMismatchException>(() => adam.ApplyGradients(new[] { g }, new[] { kernel }))!;
        Assert.That(e.Message, Does.Contain("dense_1/kernel").And.Contain("(3, 2)").And.Contain("(2, 3)"));
    }

    [Test]
    public void ApplyGradients_CountMismatch_Throws()
    {
        var adam = new Adam();
        using var v = NewVariable(new float[] { 1, 2 });
        using var g = Tensor.Zeros(new Shape(2));
        Assert.That(() => adam.ApplyGradients(new[] { g, g }, new[] { v }), Throws.ArgumentException.With.Message.Contains("2 gradients for 1 variables"));
    }

    [Test]
    public void ApplyGradients_UnknownVariable_Throws()
    {
        var sgd = new SGD();
        Run(sgd);
        using var other = NewVariable(new float[] { 1, 2 }, "dense_2/bias");
        using var g = Tensor.Zeros(new Shape(2));
        Assert.That(() => sgd.ApplyGradients(new[] { g }, new[] { other }), Throws.ArgumentException.With.Message.Contains("dense_2/bias"));
    }

    [Test]
    public void AdamW_ConfigWeightDecay_IsUsed()
    {
        var config = Newtonsoft.Json.Linq.JObject.Parse("""{"class_name": "AdamW", "config": {"weight_decay": 0.01}}""");
        Assert.That(((AdamW)OptimizerRegistry.Get(config)).WeightDecay, Is.EqualTo(0.01));
    }

    private static IEnumerable<TestCaseData> StatefulOptimizers()
    {
        yield return new TestCaseData((Func<Optimizer>)(() => new Adam(learningRate: 0.1, amsgrad: true))).SetArgDisplayNames("Adam");
        yield return new TestCaseData((Func<Optimizer>)(() => new Nadam(learningRate: 0.1))).SetArgDisplayNames("Nadam");
        yield return new TestCaseData((Func<Optimizer>)(() => new RMSprop(learningRate: 0.1, momentum: 0.5, centered: true))).SetArgDisplayNames("RMSprop");
        yield return new TestCaseData((Func<Optimizer>)(() => new Ftrl(learningRate: 0.1))).SetArgDisplayNames("Ftrl");
    }

    [TestCaseSource(nameof(StatefulOptimizers))]
    public void Variables_CopiedIntoAFreshOptimizer_ContinueTheSameTrajectory(Func<Optimizer> create)
    {
        // What loading saved optimizer state does: assign every variable, positionally.
        var original = create();
        using var w = NewVariable(Initial);
        using var g0 = Tensor.FromArray(Gradients[0]);
        using var g1 = Tensor.FromArray(Gradients[1]);
        using var g2 = Tensor.FromArray(Gradients[2]);
        original.ApplyGradients(new[] { g0 }, new[] { w });
        original.ApplyGradients(new[] { g1 }, new[] { w });

        var restored = create();
        using var w2 = NewVariable(w.ToArray());
        restored.Build(new[] { w2 });
        Assert.That(restored.Variables.Count, Is.EqualTo(original.Variables.Count));
        for (int i = 0; i < original.Variables.Count; i++) restored.Variables[i].Assign(original.Variables[i].Value);
        Assert.That(restored.Iterations, Is.EqualTo(2));

        original.ApplyGradients(new[] { g2 }, new[] { w });
        restored.ApplyGradients(new[] { (g2, w2) });
        // Nadam's restored Πₜ is the float32 value of the variable, so allow rounding.
        AssertClose(Widen(w.ToArray()), w2.ToArray(), "third step after restoring");
    }
}
