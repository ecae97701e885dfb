using System.Runtime.InteropServices;
using DeepNet.Backends;
using DeepNet.Backends.Cpu;
using DeepNet.Cuda.Cudnn;
using CudnnApi = DeepNet.Cuda.Interop.Cudnn;

namespace DeepNet.Tests.Cuda;

/// <summary>
/// The host-side decisions of the cuDNN path, checked without a GPU: which geometries cuDNN can
/// compute exactly (symmetric padding only), the algorithm pick, the cache key, version decoding
/// and the struct layout cuDNN writes into. Expected values are worked out by hand in the comments.
/// </summary>
[TestFixture]
[Category("CudaCompile")]
public class CudnnRoutingTests
{
    private static ConvGeometry Conv(int h, int w, int kh, int kw, (int, int) strides, (int, int) dilation, Padding padding, int cin = 2, int cout = 3, int groups = 1)
    {
        var spec = ConvSpec.Create(h, w, kh, kw, strides, dilation, padding, groups);
        using var x = Tensor.Empty(new Shape(1, h, w, cin), DType.Float32, Backend.Cpu);
        using var k = Tensor.Empty(new Shape(kh, kw, cin / groups, cout), DType.Float32, Backend.Cpu);
        using var y = Tensor.Empty(new Shape(1, spec.OutputHeight(h, kh), spec.OutputWidth(w, kw), cout), DType.Float32, Backend.Cpu);
        return ConvGeometry.Create("test", "x", x, k, "y", y, spec);
    }

    // Keras "same": out = ceil(size / stride), total padding = max((out − 1)·stride + window − size, 0),
    // top = total / 2 (rounded down), bottom = the rest.
    [TestCase(8, 3, 1, ExpectedResult = true, TestName = "SymmetricPadding_Same3x3Stride1_PadsOneEachSide_Fits")]
    [TestCase(8, 2, 1, ExpectedResult = false, TestName = "SymmetricPadding_SameEvenKernel_Pads0Top1Bottom_DoesNotFit")]
    [TestCase(8, 3, 2, ExpectedResult = false, TestName = "SymmetricPadding_Same3x3Stride2EvenInput_Pads0Top1Bottom_DoesNotFit")]
    [TestCase(7, 3, 2, ExpectedResult = true, TestName = "SymmetricPadding_Same3x3Stride2OddInput_PadsOneEachSide_Fits")]
    [TestCase(8, 4, 2, ExpectedResult = true, TestName = "SymmetricPadding_SameEvenKernelStride2_PadsOneEachSide_Fits")]
    [TestCase(7, 2, 2, ExpectedResult = false, TestName = "SymmetricPadding_Same2x2Stride2OddInput_Pads0Top1Bottom_DoesNotFit")]
    [TestCase(8, 1, 2, ExpectedResult = true, TestName = "SymmetricPadding_Same1x1Stride2_NoPadding_Fits")]
    public bool SymmetricPaddingFits_KerasSame(int size, int window, int stride)
    {
        var (output, top, _) = PaddingMath.Compute(size, window, stride, 1, Padding.Same);
        return CudnnRouting.SymmetricPaddingFits(size, window, stride, top, output);
    }

    [Test]
    public void SymmetricPaddingFits_HandWorkedValues()
    {
        // 8 + 2·1 − 3 = 7; 7 / 1 + 1 = 8 outputs.
        Assert.That(CudnnRouting.SymmetricPaddingFits(8, 3, 1, 1, 8), Is.True);
        // 8 + 0 − 2 = 6; 6 / 1 + 1 = 7 outputs, not the 8 Keras "same" asks for.
        Assert.That(CudnnRouting.SymmetricPaddingFits(8, 2, 1, 0, 8), Is.False);
        // A window larger than the padded input gives no output at all: never cuDNN's.
        Assert.That(CudnnRouting.SymmetricPaddingFits(2, 5, 1, 1, 1), Is.False);
    }

    [Test]
    public void CanConvolve_ValidPadding_AnyStrideDilationGroups_GoesToCudnn()
    {
        Assert.That(CudnnRouting.CanConvolve(Conv(7, 9, 3, 3, (1, 1), (1, 1), Padding.Valid), out var why), Is.True, why);
        Assert.That(CudnnRouting.CanConvolve(Conv(9, 9, 3, 2, (2, 3), (1, 1), Padding.Valid), out why), Is.True, why);
        Assert.That(CudnnRouting.CanConvolve(Conv(9, 9, 3, 3, (1, 1), (2, 2), Padding.Valid), out why), Is.True, why);
        Assert.That(CudnnRouting.CanConvolve(Conv(6, 5, 3, 3, (1, 1), (1, 1), Padding.Valid, cin: 4, cout: 4, groups: 4), out why), Is.True, why);
    }

    [Test]
    public void CanConvolve_SameOddKernelStride1_GoesToCudnn()
    {
        Assert.That(CudnnRouting.CanConvolve(Conv(6, 5, 3, 3, (1, 1), (1, 1), Padding.Same), out var why), Is.True, why);
        // Dilation 2 makes the 3×3 kernel span 5: total padding 4, 2 on each side.
        Assert.That(CudnnRouting.CanConvolve(Conv(9, 9, 3, 3, (1, 1), (2, 2), Padding.Same), out why), Is.True, why);
    }

    [Test]
    public void CanConvolve_SameWithMorePaddingBottomRight_StaysOnOwnKernel()
    {
        // 2×2 kernel, stride 1: total padding 1 per axis, all of it on the bottom/right.
        Assert.That(CudnnRouting.CanConvolve(Conv(6, 6, 2, 2, (1, 1), (1, 1), Padding.Same), out var why), Is.False);
        Assert.That(why, Does.Contain("asymmetric padding"));
        // Only the width is asymmetric (kernel 3×2): still the own kernel.
        Assert.That(CudnnRouting.CanConvolve(Conv(6, 6, 3, 2, (1, 1), (1, 1), Padding.Same), out why), Is.False);
        // 8×7 input, 3×2 kernel, stride 2 (the parity suite's case): height pads 0 top, 1 bottom.
        Assert.That(CudnnRouting.CanConvolve(Conv(8, 7, 3, 2, (2, 2), (1, 1), Padding.Same), out why), Is.False);
    }

    private static (PoolGeometry, PoolSpec) Pool(PoolKind kind, int h, int w, (int, int) pool, (int, int) strides, Padding padding)
    {
        var spec = PoolSpec.Create(kind, h, w, pool, strides, padding);
        using var x = Tensor.Empty(new Shape(2, h, w, 3), DType.Float32, Backend.Cpu);
        using var y = Tensor.Empty(new Shape(2, spec.OutputHeight(h), spec.OutputWidth(w), 3), DType.Float32, Backend.Cpu);
        return (PoolGeometry.Create("test", x, y, spec), spec);
    }

    [Test]
    public void CanPool_SymmetricSame_Forward_GoesToCudnn_MaxBackwardDoesNot()
    {
        // 7×9 input, 3×3 window, stride 2: outputs 4×5, total padding 2 per axis, 1 on each side.
        var (g, spec) = Pool(PoolKind.Max, 7, 9, (3, 3), (2, 2), Padding.Same);
        Assert.That(CudnnRouting.CanPool(g, spec, out var why), Is.True, why);
        Assert.That(CudnnRouting.CanPoolBackward(g, spec, out why), Is.False);
        Assert.That(why, Does.Contain("first maximum"));
    }

    [Test]
    public void CanPool_AverageValid_ForwardAndBackward_GoToCudnn()
    {
        var (g, spec) = Pool(PoolKind.Average, 7, 9, (2, 2), (2, 2), Padding.Valid);
        Assert.That(CudnnRouting.CanPool(g, spec, out var why), Is.True, why);
        Assert.That(CudnnRouting.CanPoolBackward(g, spec, out why), Is.True, why);
    }

    [Test]
    public void CanPool_SameWithPaddingOnlyBottomRight_StaysOnOwnKernel()
    {
        // 3×2 window, stride 1 on 7×9: height pads 1/1, width pads 0 left, 1 right.
        var (g, spec) = Pool(PoolKind.Average, 7, 9, (3, 2), (1, 1), Padding.Same);
        Assert.That(CudnnRouting.CanPool(g, spec, out var why), Is.False);
        Assert.That(why, Does.Contain("asymmetric padding"));
    }

    [Test]
    public void CanPool_PaddingAsLargeAsWindow_StaysOnOwnKernel()
    {
        var spec = new PoolSpec(PoolKind.Max, 2, 2, 1, 1, 2, 2, 0, 0);
        using var x = Tensor.Empty(new Shape(1, 4, 4, 1), DType.Float32, Backend.Cpu);
        using var y = Tensor.Empty(new Shape(1, spec.OutputHeight(4), spec.OutputWidth(4), 1), DType.Float32, Backend.Cpu);
        var g = PoolGeometry.Create("test", x, y, spec);
        Assert.That(CudnnRouting.CanPool(g, spec, out var why), Is.False);
        Assert.That(why, Does.Contain("padding not smaller than the window"));
    }

    [Test]
    public void ActivationMode_OnlyKindsWithCudnnsFormula()
    {
        Assert.That(CudnnRouting.ActivationMode(ActivationKind.Relu), Is.EqualTo(1));
        Assert.That(CudnnRouting.ActivationMode(ActivationKind.Sigmoid), Is.EqualTo(0));
        Assert.That(CudnnRouting.ActivationMode(ActivationKind.Tanh), Is.EqualTo(2));
        Assert.That(CudnnRouting.ActivationMode(ActivationKind.Elu), Is.EqualTo(4));
        // cuDNN's clipped relu, swish and identity differ from (or add nothing to) the own kernels.
        foreach (var kind in new[] { ActivationKind.Linear, ActivationKind.Relu6, ActivationKind.LeakyRelu, ActivationKind.Selu, ActivationKind.Gelu })
            Assert.That(CudnnRouting.ActivationMode(kind), Is.EqualTo(-1), kind.ToString());
    }

    [Test]
    public void CanBatchNorm_EpsilonAndRows()
    {
        Assert.That(CudnnRouting.CanBatchNorm(300, 33, 1e-3f), Is.True, "Keras's default epsilon");
        Assert.That(CudnnRouting.CanBatchNorm(300, 33, 2e-5f), Is.True, "above CUDNN_BN_MIN_EPSILON");
        // (double)1e-5f = 9.99999974737875e-06, just below cuDNN's 1e-5.
        Assert.That(CudnnRouting.CanBatchNorm(300, 33, 1e-5f), Is.False, "1e-5f as a double");
        Assert.That(CudnnRouting.CanBatchNorm(300, 33, 1e-6f), Is.False, "below CUDNN_BN_MIN_EPSILON");
        Assert.That(CudnnRouting.CanBatchNorm(1, 33, 1e-3f), Is.False, "one row");
        Assert.That(CudnnRouting.CanBatchNorm(1L << 31, 1, 1e-3f), Is.False, "2^31 elements");
    }

    private static CudnnApi.ConvolutionAlgoPerf Perf(int algo, int status, int mathType) => new() { Algo = algo, Status = status, MathType = mathType };

    [Test]
    public void PickAlgorithm_SkipsFailedResults_AndTensorOpMathWhenTf32IsOff()
    {
        var results = new[]
        {
            Perf(6, 3000, CudnnApi.CUDNN_DEFAULT_MATH),
            Perf(1, 0, CudnnApi.CUDNN_TENSOR_OP_MATH),
            Perf(2, 0, CudnnApi.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION),
            Perf(0, 0, CudnnApi.CUDNN_FMA_MATH),
        };
        Assert.That(CudnnRouting.PickAlgorithm(results, allowTf32: true), Is.EqualTo(1));
        Assert.That(CudnnRouting.PickAlgorithm(results, allowTf32: false), Is.EqualTo(3));
        Assert.That(CudnnRouting.PickAlgorithm(results.AsSpan(0, 3), allowTf32: false), Is.EqualTo(-1));
        Assert.That(CudnnRouting.PickAlgorithm(ReadOnlySpan<CudnnApi.ConvolutionAlgoPerf>.Empty, allowTf32: true), Is.EqualTo(-1));
    }

    [Test]
    public void MathTypeFor_Tf32Off_ForcesFmaMath()
    {
        Assert.That(CudnnRouting.MathTypeFor(CudnnApi.CUDNN_TENSOR_OP_MATH, allowTf32: true), Is.EqualTo(1));
        Assert.That(CudnnRouting.MathTypeFor(CudnnApi.CUDNN_DEFAULT_MATH, allowTf32: false), Is.EqualTo(3));
    }

    [Test]
    public void ConvolutionKey_SameGeometry_SameKey_OtherStrideOrTf32_OtherKey()
    {
        var a = ConvolutionKey.From(Conv(7, 9, 3, 3, (1, 1), (1, 1), Padding.Same), allowTf32: false);
        var b = ConvolutionKey.From(Conv(7, 9, 3, 3, (1, 1), (1, 1), Padding.Same), allowTf32: false);
        var strided = ConvolutionKey.From(Conv(7, 9, 3, 3, (2, 1), (1, 1), Padding.Same), allowTf32: false);
        var tf32 = ConvolutionKey.From(Conv(7, 9, 3, 3, (1, 1), (1, 1), Padding.Same), allowTf32: true);
        Assert.That(b, Is.EqualTo(a));
        Assert.That(strided, Is.Not.EqualTo(a));
        Assert.That(tf32, Is.Not.EqualTo(a));
        var cache = new Dictionary<ConvolutionKey, int> { [a] = 1, [strided] = 2, [tf32] = 3 };
        Assert.That(cache[b], Is.EqualTo(1));
        // The fields cuDNN's descriptors are built from: 3×3 "same" pads 1 on each side.
        Assert.That((a.N, a.H, a.W, a.Cin, a.KH, a.KW, a.Cout, a.OH, a.OW, a.PadH, a.PadW, a.Groups), Is.EqualTo((1, 7, 9, 2, 3, 3, 3, 7, 9, 1, 1, 1)));
    }

    [TestCase(91200ul, 9, 12, 0)]
    [TestCase(90100ul, 9, 1, 0)]
    [TestCase(8907ul, 8, 9, 7)]
    [TestCase(8600ul, 8, 6, 0)]
    public void DecodeVersion_Cudnn9And8Encodings(ulong version, int major, int minor, int patch) =>
        Assert.That(CudnnRouting.DecodeVersion(version), Is.EqualTo((major, minor, patch)));

    [Test]
    public void IsNotSupported_StatusFamiliesOf9And8()
    {
        Assert.That(CudnnRouting.IsNotSupported(3000, 9), Is.True, "CUDNN_STATUS_NOT_SUPPORTED");
        Assert.That(CudnnRouting.IsNotSupported(3011, 9), Is.True, "CUDNN_STATUS_NOT_SUPPORTED_PADDING");
        Assert.That(CudnnRouting.IsNotSupported(2000, 9), Is.False, "CUDNN_STATUS_BAD_PARAM");
        Assert.That(CudnnRouting.IsNotSupported(5000, 9), Is.False, "CUDNN_STATUS_EXECUTION_FAILED");
        Assert.That(CudnnRouting.IsNotSupported(9, 8), Is.True, "8.x CUDNN_STATUS_NOT_SUPPORTED");
        Assert.That(CudnnRouting.IsNotSupported(3, 8), Is.False, "8.x CUDNN_STATUS_BAD_PARAM");
    }

    [TestCase("0", ExpectedResult = true)]
    [TestCase("off", ExpectedResult = true)]
    [TestCase("False", ExpectedResult = true)]
    [TestCase("1", ExpectedResult = false)]
    [TestCase("", ExpectedResult = false)]
    [TestCase(null, ExpectedResult = false)]
    public bool DisabledByEnvironment(string? value) => CudnnRouting.DisabledByEnvironment(value);

    [Test]
    public void ConvolutionAlgoPerf_HasTheLayoutOfCudnnConvolutionFwdAlgoPerfStruct()
    {
        // {int algo; int status; float time; size_t memory; int determinism; int mathType; int reserved[3];}
        Assert.That(Marshal.OffsetOf<CudnnApi.ConvolutionAlgoPerf>(nameof(CudnnApi.ConvolutionAlgoPerf.Time)), Is.EqualTo((nint)8));
        Assert.That(Marshal.OffsetOf<CudnnApi.ConvolutionAlgoPerf>(nameof(CudnnApi.ConvolutionAlgoPerf.Memory)), Is.EqualTo((nint)16));
        Assert.That(Marshal.OffsetOf<CudnnApi.ConvolutionAlgoPerf>(nameof(CudnnApi.ConvolutionAlgoPerf.MathType)), Is.EqualTo((nint)28));
        Assert.That(Marshal.SizeOf<CudnnApi.ConvolutionAlgoPerf>(), Is.EqualTo(48));
    }
}
