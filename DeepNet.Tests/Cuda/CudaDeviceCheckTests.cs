using DeepNet.Cuda;

namespace DeepNet.Tests.Cuda;

/// <summary>
/// Device-side index checks (reported at the next host synchronisation) and transfers through
/// pinned staging buffers, on a real device. Without a GPU every test ends in Assert.Ignore
/// (Assert.Fail when DEEPNET_REQUIRE_GPU=1).
/// </summary>
[TestFixture]
[Category("Gpu")]
[NonParallelizable]
public class CudaDeviceCheckTests : CudaDeviceFixture
{

    private static float[] Table(int rows, int columns) =>
        Enumerable.Range(0, rows * columns).Select(i => (float)(i + 1)).ToArray();

    [Test]
    public void Gather_IndexPastTheEnd_ThrowsAtTheNextDownload_NamingOpIndexAndRange()
    {
        var x = Tensor.FromArray(Table(5, 3), new Shape(5, 3), Gpu);
        var indices = Tensor.FromArray(new[] { 4, 7, 0 }, new Shape(3), Gpu);
        var y = DeepNet.Ops.Gather(x, indices, 0); // queued: nothing is reported yet
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => y.ToArray());
        Assert.That(e!.Message, Does.StartWith("Gather:").And.Contain("index 7").And.Contain("[0, 5)").And.Contain("position 1"));

        // The failure was reported once; the bad row was gathered as zeros, the others as on the CPU.
        var values = y.ToArray();
        float[] expected = [13, 14, 15, 0, 0, 0, 1, 2, 3];
        Assert.That(values, Is.EqualTo(expected));
    }

    [Test]
    public void Gather_NegativeInt64Index_ThrowsAtSynchronize()
    {
        var x = Tensor.FromArray(Table(2, 4), new Shape(2, 4), Gpu);
        var indices = Tensor.FromArray(new long[] { 3, -2 }, new Shape(2), Gpu);
        using var y = DeepNet.Ops.Gather(x, indices, 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Gpu.Synchronize());
        Assert.That(e!.Message, Does.Contain("index -2").And.Contain("[0, 4)"));
        Assert.DoesNotThrow(() => Gpu.Synchronize(), "a failure is reported once");
    }

    [Test]
    public void ScatterAdd_BadIndex_IsSkippedAndReported()
    {
        var updates = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, new Shape(3, 2), Gpu);
        var indices = Tensor.FromArray(new[] { 1, 3, 1 }, new Shape(3), Gpu);
        var y = Tensor.FromArray(new float[6], new Shape(3, 2), Gpu);
        Gpu.ScatterAdd(updates, indices, 0, y);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Gpu.Synchronize());
        Assert.That(e!.Message, Does.StartWith("ScatterAdd:").And.Contain("index 3").And.Contain("[0, 3)"));
        float[] expected = [0, 0, 1 + 5, 2 + 6, 0, 0];
        Assert.That(y.ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void Gather_AllIndicesInRange_ReportsNothing()
    {
        var x = Tensor.FromArray(Table(4, 2), new Shape(4, 2), Gpu);
        var y = DeepNet.Ops.Gather(x, Tensor.FromArray(new[] { 3, 0 }, new Shape(2), Gpu), 0);
        float[] expected = [7, 8, 1, 2];
        Assert.That(y.ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void SparseSoftmaxCrossEntropy_LabelOutOfRange_ThrowsAtTheNextRead()
    {
        var logits = Tensor.FromArray(new float[] { 0.5f, -1, 2, 0, 1, 3 }, new Shape(2, 3), Gpu);
        var labels = Tensor.FromArray(new[] { 2, 3 }, new Shape(2), Gpu);
        var loss = DeepNet.Ops.SparseSoftmaxCrossEntropy(logits, labels);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => loss.ToArray());
        Assert.That(e!.Message, Does.Contain("index 3").And.Contain("[0, 3)"));
    }

    [Test]
    public void Upload_ManyBatches_StageThroughReusedPinnedBuffers()
    {
        var rng = new Random(3);
        var tensors = new List<Tensor>();
        var sources = new List<float[]>();
        for (int batch = 0; batch < 20; batch++)
        {
            var values = Enumerable.Range(0, 10_000).Select(_ => rng.NextSingle()).ToArray();
            sources.Add(values);
            // Each upload returns before its copy ran; reusing the buffer too early would corrupt an earlier batch.
            tensors.Add(Tensor.FromArray(values, new Shape(100, 100), Gpu));
        }
        for (int batch = 0; batch < 20; batch++)
            Assert.That(tensors[batch].ToArray(), Is.EqualTo(sources[batch]), $"batch {batch}");
        var stats = Gpu.PinnedMemory;
        Assert.That(stats.BytesPinned, Is.GreaterThan(0));
        Assert.That(stats.Reuses, Is.GreaterThan(0));
        Assert.That(stats.BytesInUse, Is.EqualTo(0));
    }

    [Test]
    public void UploadAndDownload_AboveTheStagingLimit_RoundTrip()
    {
        int n = (80 << 20) / sizeof(float);
        var values = new float[n];
        for (int i = 0; i < n; i++) values[i] = i % 1013;
        var t = Tensor.FromArray(values, new Shape(n), Gpu);
        Assert.That(t.ToArray(), Is.EqualTo(values));
    }
}
