using DeepNet.Keras;
using DeepNet.Keras.Layers;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>
/// TimeDistributed and masks, as in Keras 3 (keras/src/layers/rnn/time_distributed.py): the mask
/// reaches an inner layer that supports masking with batch and time merged, and the output mask
/// is the input mask.
/// </summary>
public class TimeDistributedMaskTests
{
    /// <summary>A layer that records the mask it is called with and scales each row by it.</summary>
    private sealed class MaskRecorder(bool supportsMasking) : Layer(null, true)
    {
        public Shape? SeenMask { get; private set; }

        public bool Called { get; private set; }

        public override string ClassName => "MaskRecorder";

        public override bool SupportsMasking => supportsMasking;

        public override void Build(KerasShape inputShape) { }

        public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
        {
            Called = true;
            SeenMask = mask?.Shape;
            return mask is null ? inputs : Ops.Multiply(inputs, Ops.ExpandDims(mask, -1));
        }
    }

    private static Tensor Mask(int batch, int steps, params int[] zeros)
    {
        var m = Enumerable.Repeat(1f, batch * steps).ToArray();
        foreach (int i in zeros) m[i] = 0f;
        return Tensor.FromArray(m, new Shape(batch, steps));
    }

    [Test]
    public void Call_InnerLayerSupportingMasks_GetsTheMaskWithBatchAndTimeMerged()
    {
        var x = KerasTestUtil.Random(61, 2, 3, 4);
        var mask = Mask(2, 3, 1, 3, 5);
        var inner = new MaskRecorder(supportsMasking: true);
        var td = new TimeDistributed(inner);
        td.EnsureBuilt(KerasShape.Of(x.Shape));
        var y = td.Call(x, mask: mask).ToArray();

        Assert.That(inner.SeenMask, Is.EqualTo(new Shape(6)));
        var xs = x.ToArray();
        var m = mask.ToArray();
        var expected = new double[xs.Length];
        for (int i = 0; i < xs.Length; i++) expected[i] = xs[i] * m[i / 4];
        KerasTestUtil.AssertClose(y, expected, 0, 0);
    }

    [Test]
    public void Call_InnerLayerWithoutMaskSupport_GetsNoMask()
    {
        var x = KerasTestUtil.Random(62, 2, 3, 4);
        var inner = new MaskRecorder(supportsMasking: false);
        var td = new TimeDistributed(inner);
        td.EnsureBuilt(KerasShape.Of(x.Shape));
        var y = td.Call(x, mask: Mask(2, 3, 0));
        Assert.That(inner.Called, Is.True);
        Assert.That(inner.SeenMask, Is.Null);
        Assert.That(y.ToArray(), Is.EqualTo(x.ToArray()));
    }

    [Test]
    public void ComputeMask_IsTheInputMask()
    {
        var x = KerasTestUtil.Random(63, 2, 3, 4);
        var mask = Mask(2, 3, 2);
        var td = new TimeDistributed(new Dense(5));
        Assert.That(td.ComputeMask(x, mask), Is.SameAs(mask));
        Assert.That(td.ComputeMask(x, null), Is.Null);
    }

    [Test]
    public void Model_MaskingOver4DInputs_TimeDistributedRnnSeesEachStepsMask()
    {
        // Masking on (batch, time, time2, features) gives a (batch, time, time2) mask; each of the
        // `time` slices goes through the SimpleRNN with its own (batch, time2) mask.
        const int batch = 2, steps = 3, inner = 4, features = 2;
        var data = KerasTestUtil.Random(64, batch, steps, inner, features).ToArray();
        // Zero some inner timesteps so Masking masks them.
        foreach (int row in new[] { 0, 5, 6, 13, 22 }) { data[row * features] = 0; data[row * features + 1] = 0; }
        var x = Tensor.FromArray(data, new Shape(batch, steps, inner, features));

        var input = KerasApi.Input([steps, inner, features]);
        var rnn = new SimpleRNN(3);
        var output = new TimeDistributed(rnn).Apply(new Masking().Apply(input));
        var model = new Model(input, output);
        var y = model.Predict(x).ToArray();

        // Reference: the same RNN on each time slice, with that slice's mask.
        var expected = new List<float>();
        var perSample = new float[batch][];
        for (int b = 0; b < batch; b++) perSample[b] = new float[steps * 3];
        for (int t = 0; t < steps; t++)
        {
            var slice = new float[batch * inner * features];
            var sliceMask = new float[batch * inner];
            for (int b = 0; b < batch; b++)
            {
                for (int k = 0; k < inner; k++)
                {
                    int row = (b * steps + t) * inner + k;
                    slice[(b * inner + k) * features] = data[row * features];
                    slice[(b * inner + k) * features + 1] = data[row * features + 1];
                    sliceMask[b * inner + k] = data[row * features] != 0 || data[row * features + 1] != 0 ? 1 : 0;
                }
            }
            var h = rnn.Call(Tensor.FromArray(slice, new Shape(batch, inner, features)), mask: Tensor.FromArray(sliceMask, new Shape(batch, inner))).ToArray();
            for (int b = 0; b < batch; b++) Array.Copy(h, b * 3, perSample[b], t * 3, 3);
        }
        foreach (var s in perSample) expected.AddRange(s);
        KerasTestUtil.AssertClose(y, expected, 1e-6, 1e-6);

        // Without the mask the first sample's result differs: the mask did reach the RNN.
        var unmasked = new float[steps * 3];
        for (int t = 0; t < steps; t++)
        {
            var slice = new float[inner * features];
            for (int k = 0; k < inner; k++)
            {
                int row = t * inner + k;
                slice[k * features] = data[row * features];
                slice[k * features + 1] = data[row * features + 1];
            }
            Array.Copy(rnn.Call(Tensor.FromArray(slice, new Shape(1, inner, features))).ToArray(), 0, unmasked, t * 3, 3);
        }
        Assert.That(unmasked, Is.Not.EqualTo(perSample[0]));
    }

    [TestCase(2, 4)]
    [TestCase(3, 3)]
    public void Call_MaskNotMatchingBatchAndTime_ThrowsWithBothShapes(int maskBatch, int maskSteps)
    {
        var x = KerasTestUtil.Random(65, 2, 3, 4);
        var td = new TimeDistributed(new Dense(5), name: "td");
        td.EnsureBuilt(KerasShape.Of(x.Shape));
        var ex = Assert.Throws<ShapeMismatchException>(() => td.Call(x, mask: Mask(maskBatch, maskSteps)));
        Assert.That(ex!.Message, Does.Contain("td").And.Contain($"({maskBatch}, {maskSteps})").And.Contain("(2, 3, 4)"));
    }
}
