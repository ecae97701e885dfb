#nullable enable
using DeepNet.Backends;
using DeepNet.Backends.Cpu;
using DeepNet.Cuda.Interop;

namespace DeepNet.Cuda.Cudnn;

/// <summary>
/// Which calls the CUDA backend hands to cuDNN and which stay on its own kernels. Pure
/// arithmetic on shapes and specs (no GPU needed), so it is unit-tested on every machine.
/// </summary>
internal static class CudnnRouting
{
    /// <summary>
    /// The smallest batch-norm epsilon handed to cuDNN: CUDNN_BN_MIN_EPSILON, 1e-5 in the headers
    /// that define it positive (later ones are reported to lower it; the floor is kept to be
    /// safe). Compared as the double cuDNN receives: 1e-5f is slightly below it and stays on the
    /// own kernel rather than risk CUDNN_STATUS_BAD_PARAM.
    /// </summary>
    public const double MinBatchNormEpsilon = 1e-5;

    /// <summary>
    /// True when padding <paramref name="padBefore"/> on BOTH sides reproduces the requested
    /// output size. cuDNN pads symmetrically only, while Keras "same" with an even total padding
    /// deficit pads one more on the bottom/right. The windows start at o·stride − padBefore either
    /// way, so when the output sizes agree the extra bottom/right row is never read (and when
    /// cuDNN's symmetric padding is larger, the rows it adds lie beyond the last window): the
    /// results are identical. When the sizes differ the call stays on the own kernel.
    /// </summary>
    public static bool SymmetricPaddingFits(int size, int window, int stride, int padBefore, int expectedOutput)
    {
        long span = (long)size + 2L * padBefore - window;
        if (span < 0) return false;
        return span / stride + 1 == expectedOutput;
    }

    /// <summary>Whether cuDNN can run this convolution exactly as the contract defines it; else why not.</summary>
    public static bool CanConvolve(in ConvGeometry g, out string? why)
    {
        if (g.N < 1 || g.H < 1 || g.W < 1 || g.Cin < 1 || g.Cout < 1 || g.OH < 1 || g.OW < 1)
        {
            why = "an empty dimension";
            return false;
        }
        if (!FitsInt32((long)g.N * g.H * g.W * g.Cin) || !FitsInt32((long)g.N * g.OH * g.OW * g.Cout)
            || !FitsInt32((long)g.KH * g.KW * g.GroupIn * g.Cout))
        {
            why = "a tensor of 2^31 or more elements";
            return false;
        }
        int effectiveKH = (g.KH - 1) * g.DilationH + 1, effectiveKW = (g.KW - 1) * g.DilationW + 1;
        if (!SymmetricPaddingFits(g.H, effectiveKH, g.StrideH, g.PadTop, g.OH)
            || !SymmetricPaddingFits(g.W, effectiveKW, g.StrideW, g.PadLeft, g.OW))
        {
            why = "asymmetric padding (cuDNN pads both sides equally)";
            return false;
        }
        why = null;
        return true;
    }

    /// <summary>
    /// Whether cuDNN pools this exactly as the contract defines it. Max pooling backward is never
    /// routed here (see <see cref="CanPoolBackward"/>).
    /// </summary>
    public static bool CanPool(in PoolGeometry g, in PoolSpec spec, out string? why)
    {
        if (g.N < 1 || g.H < 1 || g.W < 1 || g.C < 1 || g.OH < 1 || g.OW < 1)
        {
            why = "an empty dimension";
            return false;
        }
        if (!FitsInt32((long)g.N * g.H * g.W * g.C))
        {
            why = "a tensor of 2^31 or more elements";
            return false;
        }
        // cuDNN rejects a padding as large as the window (Keras never produces one).
        if (spec.PadTop >= spec.PoolH || spec.PadLeft >= spec.PoolW)
        {
            why = "padding not smaller than the window";
            return false;
        }
        if (!SymmetricPaddingFits(g.H, spec.PoolH, spec.StrideH, spec.PadTop, g.OH)
            || !SymmetricPaddingFits(g.W, spec.PoolW, spec.StrideW, spec.PadLeft, g.OW))
        {
            why = "asymmetric padding (cuDNN pads both sides equally)";
            return false;
        }
        why = null;
        return true;
    }

    /// <summary>
    /// Average pooling backward goes to cuDNN; max pooling backward does not: the contract sends
    /// the gradient of a window to its FIRST maximum (as the CPU backend does), and cuDNN does not
    /// document which of several equal maxima receives it.
    /// </summary>
    public static bool CanPoolBackward(in PoolGeometry g, in PoolSpec spec, out string? why)
    {
        if (spec.Kind == PoolKind.Max)
        {
            why = "max pooling ties must route to the first maximum";
            return false;
        }
        return CanPool(g, spec, out why);
    }

    /// <summary>cuDNN activation mode for a kind whose cuDNN formula and gradient equal the contract's; -1 for none.</summary>
    public static int ActivationMode(ActivationKind kind) => kind switch
    {
        ActivationKind.Relu => Interop.Cudnn.CUDNN_ACTIVATION_RELU,
        ActivationKind.Sigmoid => Interop.Cudnn.CUDNN_ACTIVATION_SIGMOID,
        ActivationKind.Tanh => Interop.Cudnn.CUDNN_ACTIVATION_TANH,
        ActivationKind.Elu => Interop.Cudnn.CUDNN_ACTIVATION_ELU,
        _ => -1,
    };

    /// <summary>
    /// Whether (rows, C) fits a 4-D cuDNN descriptor (rows, C, 1, 1): cuDNN takes int dimensions
    /// and, for most ops, tensors under 2^31 elements.
    /// </summary>
    public static bool FitsRows(long rows, int channels) => rows >= 1 && channels >= 1 && FitsInt32(rows * channels);

    public static bool FitsInt32(long elements) => elements >= 0 && elements <= int.MaxValue;

    /// <summary>
    /// Batch norm through cuDNN only with an epsilon cuDNN accepts (≥ CUDNN_BN_MIN_EPSILON) and at
    /// least two rows: a one-row batch has no spread, and the own kernel handles it without asking
    /// what cuDNN makes of it.
    /// </summary>
    public static bool CanBatchNorm(long rows, int channels, float epsilon) =>
        (double)epsilon >= MinBatchNormEpsilon && rows >= 2 && FitsRows(rows, channels);

    /// <summary>cuDNN's "not supported" statuses: 9.x's 3000–3999 family (and 8.x's NOT_SUPPORTED = 9).</summary>
    public static bool IsNotSupported(int status, int cudnnMajor) =>
        cudnnMajor >= 9 ? status is >= 3000 and < 4000 : status == 9;

    /// <summary>
    /// Index of the first usable algorithm among cuDNN's heuristic results (best first): status
    /// success and, when TF32 is not allowed, no tensor-op math. -1 when none qualifies.
    /// </summary>
    public static int PickAlgorithm(ReadOnlySpan<Interop.Cudnn.ConvolutionAlgoPerf> results, bool allowTf32)
    {
        for (int i = 0; i < results.Length; i++)
        {
            if (results[i].Status != 0) continue;
            if (!allowTf32 && results[i].MathType is Interop.Cudnn.CUDNN_TENSOR_OP_MATH or Interop.Cudnn.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION) continue;
            return i;
        }
        return -1;
    }

    /// <summary>
    /// The math type a chosen algorithm runs with: its own with TF32 allowed, else CUDNN_FMA_MATH
    /// (on Ampere and newer CUDNN_DEFAULT_MATH may pick TF32 for float32).
    /// </summary>
    public static int MathTypeFor(int algorithmMathType, bool allowTf32) => allowTf32 ? algorithmMathType : Interop.Cudnn.CUDNN_FMA_MATH;

    /// <summary>cudnnGetVersion's number as (major, minor, patch): 9.x encodes major·10000, 8.x major·1000.</summary>
    public static (int Major, int Minor, int Patch) DecodeVersion(ulong version)
    {
        long v = (long)version;
        return v >= 90000
            ? ((int)(v / 10000), (int)(v % 10000 / 100), (int)(v % 100))
            : ((int)(v / 1000), (int)(v % 1000 / 100), (int)(v % 100));
    }

    /// <summary>Whether DEEPNET_CUDNN turns cuDNN off ("0", "false", "off", "no").</summary>
    public static bool DisabledByEnvironment(string? value) =>
        value is not null && (value.Trim() is "0" || value.Trim().Equals("false", StringComparison.OrdinalIgnoreCase)
            || value.Trim().Equals("off", StringComparison.OrdinalIgnoreCase) || value.Trim().Equals("no", StringComparison.OrdinalIgnoreCase));
}
