using DeepNet.Keras.Losses;
using Newtonsoft.Json.Linq;
using static DeepNet.Tests.Keras.LeafTestData;

namespace DeepNet.Tests.Keras.Losses;

/// <summary>Loss names, default configs, config round trips and the registry's Keras spellings.</summary>
public class LossConfigTests
{
    private const string Base = "\"reduction\": \"sum_over_batch_size\"";

    [TestCase("MeanSquaredError", "{\"name\": \"mean_squared_error\", " + Base + "}")]
    [TestCase("MeanAbsoluteError", "{\"name\": \"mean_absolute_error\", " + Base + "}")]
    [TestCase("MeanAbsolutePercentageError", "{\"name\": \"mean_absolute_percentage_error\", " + Base + "}")]
    [TestCase("MeanSquaredLogarithmicError", "{\"name\": \"mean_squared_logarithmic_error\", " + Base + "}")]
    [TestCase("Hinge", "{\"name\": \"hinge\", " + Base + "}")]
    [TestCase("SquaredHinge", "{\"name\": \"squared_hinge\", " + Base + "}")]
    [TestCase("CategoricalHinge", "{\"name\": \"categorical_hinge\", " + Base + "}")]
    [TestCase("KLDivergence", "{\"name\": \"kl_divergence\", " + Base + "}")]
    [TestCase("Poisson", "{\"name\": \"poisson\", " + Base + "}")]
    [TestCase("LogCosh", "{\"name\": \"log_cosh\", " + Base + "}")]
    [TestCase("Huber", "{\"name\": \"huber_loss\", " + Base + ", \"delta\": 1.0}")]
    [TestCase("CosineSimilarity", "{\"name\": \"cosine_similarity\", " + Base + ", \"axis\": -1}")]
    [TestCase("BinaryCrossentropy", "{\"name\": \"binary_crossentropy\", " + Base + ", \"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1}")]
    [TestCase("CategoricalCrossentropy", "{\"name\": \"categorical_crossentropy\", " + Base + ", \"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1}")]
    [TestCase("SparseCategoricalCrossentropy", "{\"name\": \"sparse_categorical_crossentropy\", " + Base + ", \"from_logits\": false, \"ignore_class\": null, \"axis\": -1}")]
    public void DefaultConfig_EqualsKeras(string className, string expected)
    {
        var loss = DeepNet.Keras.Losses.Losses.Get(className);
        Assert.That(loss.ClassName, Is.EqualTo(className));
        AssertJsonEqual(loss.GetConfig(), expected);
    }

    private static IEnumerable<Loss> NonDefault()
    {
        yield return new MeanSquaredError(Reduction.Sum, "my_mse");
        yield return new Huber(0.5, Reduction.None);
        yield return new CosineSimilarity(axis: 1, reduction: Reduction.MeanWithSampleWeight);
        yield return new BinaryCrossentropy(true, 0.1, 1, Reduction.Sum, "bce_custom");
        yield return new CategoricalCrossentropy(true, 0.2, -1, Reduction.Mean);
        yield return new SparseCategoricalCrossentropy(true, 3, Reduction.Sum);
        yield return new KLDivergence(Reduction.None);
    }

    [TestCaseSource(nameof(NonDefault))]
    public void Config_RoundTripsThroughSerialize(Loss loss)
    {
        var serialized = DeepNet.Keras.Losses.Losses.Serialize(loss);
        Assert.That((string?)serialized["module"], Is.EqualTo("keras.losses"));
        Assert.That((string?)serialized["class_name"], Is.EqualTo(loss.ClassName));
        var back = DeepNet.Keras.Losses.Losses.Get(serialized)!;
        Assert.That(back.GetType(), Is.EqualTo(loss.GetType()));
        Assert.That(JToken.DeepEquals(back.GetConfig(), loss.GetConfig()), Is.True, back.GetConfig().ToString());
    }

    [TestCase("mse", typeof(MeanSquaredError))]
    [TestCase("MSE", typeof(MeanSquaredError))]
    [TestCase("mean_squared_error", typeof(MeanSquaredError))]
    [TestCase("mae", typeof(MeanAbsoluteError))]
    [TestCase("mape", typeof(MeanAbsolutePercentageError))]
    [TestCase("msle", typeof(MeanSquaredLogarithmicError))]
    [TestCase("bce", typeof(BinaryCrossentropy))]
    [TestCase("binary_crossentropy", typeof(BinaryCrossentropy))]
    [TestCase("categorical_crossentropy", typeof(CategoricalCrossentropy))]
    [TestCase("sparse_categorical_crossentropy", typeof(SparseCategoricalCrossentropy))]
    [TestCase("kld", typeof(KLDivergence))]
    [TestCase("kl_divergence", typeof(KLDivergence))]
    [TestCase("log_cosh", typeof(LogCosh))]
    [TestCase("huber", typeof(Huber))]
    [TestCase("hinge", typeof(Hinge))]
    [TestCase("squared_hinge", typeof(SquaredHinge))]
    [TestCase("categorical_hinge", typeof(CategoricalHinge))]
    [TestCase("poisson", typeof(Poisson))]
    [TestCase("cosine_similarity", typeof(CosineSimilarity))]
    public void Get_AcceptsKerasNamesAndAliases(string name, Type expected)
    {
        Assert.That(DeepNet.Keras.Losses.Losses.Get(name), Is.InstanceOf(expected));
    }

    [Test]
    public void Get_LegacyEnvelope_ReadsConfig()
    {
        var loss = DeepNet.Keras.Losses.Losses.Get(JToken.Parse(
            """{"class_name": "CategoricalCrossentropy", "config": {"from_logits": true, "label_smoothing": 0.1, "reduction": "auto", "name": "categorical_crossentropy"}}"""));
        var cce = (CategoricalCrossentropy)loss!;
        Assert.That((cce.FromLogits, cce.LabelSmoothing, cce.Reduction), Is.EqualTo((true, 0.1, Reduction.SumOverBatchSize)));
    }

    [Test]
    public void Get_UnknownName_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => DeepNet.Keras.Losses.Losses.Get("categorical_crossentropyy"));
        Assert.That(e!.Message, Does.Contain("Unknown loss"));
    }

    [TestCase(new[] { 8, 1 }, new[] { 8, 1 }, typeof(BinaryCrossentropy))]
    [TestCase(new[] { 8 }, new[] { 8, 10 }, typeof(SparseCategoricalCrossentropy))]
    [TestCase(new[] { 8, 1 }, new[] { 8, 10 }, typeof(SparseCategoricalCrossentropy))]
    [TestCase(new[] { 8, 10 }, new[] { 8, 10 }, typeof(CategoricalCrossentropy))]
    public void Resolve_Crossentropy_PicksFromShapes(int[] yTrue, int[] yPred, Type expected)
    {
        Assert.That(DeepNet.Keras.Losses.Losses.Resolve("crossentropy", new Shape(yTrue), new Shape(yPred)), Is.InstanceOf(expected));
        Assert.That(DeepNet.Keras.Losses.Losses.Resolve("CE", new Shape(yTrue), new Shape(yPred)), Is.InstanceOf(expected));
    }

    [Test]
    public void Reduction_UnknownString_Throws()
    {
        Assert.Throws<ArgumentException>(() => Loss.ParseReduction("average"));
    }
}

/// <summary>A custom per-sample function gets the shared weighting and reduction.</summary>
public class LossFunctionWrapperTests
{
    [Test]
    public void CustomFunction_IsWeightedAndReducedLikeBuiltIns()
    {
        var loss = new LossFunctionWrapper((t, p) => DeepNet.Ops.Mean(DeepNet.Ops.Abs(DeepNet.Ops.Subtract(t, p)), [-1]), "my_mae");
        var rng = new Random(1);
        var t = Uniform(rng, 12, -1, 1);
        var p = Uniform(rng, 12, -1, 1);
        var w = Uniform(rng, 4, 0, 2);
        float actual = loss.Call(Tensor(t, 4, 3), Tensor(p, 4, 3), Tensor(w, 4)).ToScalar();
        var perRow = LossReference.PerRow(t, p, 4, LossReference.Mae);
        AssertClose(actual, LossReference.Reduce(perRow, w, "sum_over_batch_size"));
        AssertJsonEqual(loss.GetConfig(), """{"name": "my_mae", "reduction": "sum_over_batch_size"}""");
    }
}
