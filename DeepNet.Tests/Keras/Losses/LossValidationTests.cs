using DeepNet.Keras.Losses;
using static DeepNet.Tests.Keras.LeafTestData;

namespace DeepNet.Tests.Keras.Losses;

/// <summary>Labels that do not fit a loss are refused with a message that names the fitting loss.</summary>
public class LossValidationTests
{
    [Test]
    public void CategoricalCrossentropy_IntegerLabelsOfShapeN_SuggestsSparse()
    {
        var e = Assert.Throws<ArgumentException>(() => new CategoricalCrossentropy().Validate(new Shape(32), DType.Int32, new Shape(32, 10)));
        Assert.That(e!.Message, Is.EqualTo(
            "categorical_crossentropy expects one-hot labels of shape (32, 10) but got int32 labels of shape (32,); " +
            "use sparse_categorical_crossentropy for integer labels, or one-hot encode them"));
    }

    [Test]
    public void CategoricalCrossentropy_LabelsOfShapeN1_SuggestsSparse()
    {
        var e = Assert.Throws<ArgumentException>(() => new CategoricalCrossentropy().Validate(new Shape(8, 1), DType.Float32, new Shape(8, 10)));
        Assert.That(e!.Message, Does.Contain("float32 labels of shape (8, 1)").And.Contain("use sparse_categorical_crossentropy"));
    }

    [Test]
    public void CategoricalCrossentropy_OneHotLabels_AreValid()
    {
        Assert.DoesNotThrow(() => new CategoricalCrossentropy().Validate(new Shape(8, 10), DType.Float32, new Shape(8, 10)));
        Assert.DoesNotThrow(() => new CategoricalCrossentropy().Validate(new Shape(8, 10), DType.Int32, new Shape(8, 10)));
    }

    [Test]
    public void CategoricalCrossentropy_WrongClassCount_SaysSo()
    {
        var e = Assert.Throws<ArgumentException>(() => new CategoricalCrossentropy().Validate(new Shape(8, 5), DType.Float32, new Shape(8, 10)));
        Assert.That(e!.Message, Does.Contain("(8, 5)").And.Contain("(8, 10)"));
    }

    [Test]
    public void SparseCategoricalCrossentropy_OneHotLabels_SuggestsCategorical()
    {
        var e = Assert.Throws<ArgumentException>(() => new SparseCategoricalCrossentropy().Validate(new Shape(32, 10), DType.Float32, new Shape(32, 10)));
        Assert.That(e!.Message, Does.StartWith("sparse_categorical_crossentropy expects integer labels of shape (32,) (or (32, 1)) but got float32 labels of shape (32, 10)")
            .And.Contain("use categorical_crossentropy for one-hot labels"));
    }

    [Test]
    public void SparseCategoricalCrossentropy_LabelShapesNAndN1_AreValid()
    {
        Assert.DoesNotThrow(() => new SparseCategoricalCrossentropy().Validate(new Shape(32), DType.Int32, new Shape(32, 10)));
        Assert.DoesNotThrow(() => new SparseCategoricalCrossentropy().Validate(new Shape(32, 1), DType.Int64, new Shape(32, 10)));
    }

    [Test]
    public void BinaryCrossentropy_ClassIndicesAgainstManyOutputs_SuggestsSparse()
    {
        var e = Assert.Throws<ArgumentException>(() => new BinaryCrossentropy().Validate(new Shape(16), DType.Int32, new Shape(16, 4)));
        Assert.That(e!.Message, Does.Contain("binary_crossentropy").And.Contain("sparse_categorical_crossentropy"));
        Assert.DoesNotThrow(() => new BinaryCrossentropy().Validate(new Shape(16), DType.Float32, new Shape(16, 1)));
    }

    [Test]
    public void MeanSquaredError_MismatchedShapes_NamesBoth()
    {
        var e = Assert.Throws<ArgumentException>(() => new MeanSquaredError().Validate(new Shape(4, 3), DType.Float32, new Shape(4, 2)));
        Assert.That(e!.Message, Does.Contain("mean_squared_error").And.Contain("(4, 3)").And.Contain("(4, 2)"));
    }

    [Test]
    public void CategoricalCrossentropy_Call_WithSparseLabels_ThrowsShapeMismatch()
    {
        var e = Assert.Throws<ShapeMismatchException>(() =>
            new CategoricalCrossentropy().Call(IntTensor([1, 2, 0], 3), Tensor(new double[12], 3, 4)));
        Assert.That(e!.Message, Does.Contain("sparse_categorical_crossentropy"));
    }
}
