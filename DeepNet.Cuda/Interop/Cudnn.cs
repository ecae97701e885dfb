#nullable enable
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepNet.Cuda.Interop;

/// <summary>
/// cuDNN (libcudnn.so.9, or .8 where the API is shared): descriptors, convolution with algorithm
/// queries and workspaces, pooling, activation, softmax, batch norm, dropout and the "v8" RNN set
/// (present in 8.x and 9.x; the older RNN calls were removed in 9). Device pointers are ulong,
/// host scalars (alpha, beta) float*; enums and status are int. Status 0 = CUDNN_STATUS_SUCCESS;
/// the codes differ between 8 and 9, so messages use cudnnGetErrorString.
/// </summary>
internal static unsafe partial class Cudnn
{
    private const string Lib = "cudnn";

    // ---- enum values (the same in 8 and 9) ---------------------------------------------------
    public const int CUDNN_DATA_FLOAT = 0;
    public const int CUDNN_DATA_HALF = 2;
    public const int CUDNN_DATA_BFLOAT16 = 9;
    public const int CUDNN_TENSOR_NCHW = 0;
    public const int CUDNN_TENSOR_NHWC = 1;
    public const int CUDNN_CROSS_CORRELATION = 1;
    public const int CUDNN_DEFAULT_MATH = 0;
    public const int CUDNN_TENSOR_OP_MATH = 1;
    public const int CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION = 2;
    public const int CUDNN_FMA_MATH = 3;
    public const int CUDNN_SOFTMAX_FAST = 0;
    public const int CUDNN_SOFTMAX_ACCURATE = 1;
    public const int CUDNN_SOFTMAX_LOG = 2;
    public const int CUDNN_SOFTMAX_MODE_INSTANCE = 0;
    public const int CUDNN_SOFTMAX_MODE_CHANNEL = 1;
    public const int CUDNN_POOLING_MAX = 0;
    public const int CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING = 1;
    public const int CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING = 2;
    public const int CUDNN_NOT_PROPAGATE_NAN = 0;
    public const int CUDNN_PROPAGATE_NAN = 1;
    public const int CUDNN_ACTIVATION_SIGMOID = 0;
    public const int CUDNN_ACTIVATION_RELU = 1;
    public const int CUDNN_ACTIVATION_TANH = 2;
    public const int CUDNN_ACTIVATION_ELU = 4;
    public const int CUDNN_ACTIVATION_IDENTITY = 5;
    public const int CUDNN_ACTIVATION_SWISH = 6;
    public const int CUDNN_BATCHNORM_PER_ACTIVATION = 0;
    public const int CUDNN_BATCHNORM_SPATIAL = 1;
    public const int CUDNN_BATCHNORM_SPATIAL_PERSISTENT = 2;
    public const int CUDNN_RNN_ALGO_STANDARD = 0;
    public const int CUDNN_LSTM = 2;
    public const int CUDNN_GRU = 3;
    public const int CUDNN_RNN_NO_BIAS = 0;
    public const int CUDNN_RNN_SINGLE_INP_BIAS = 1;
    public const int CUDNN_RNN_DOUBLE_BIAS = 2;
    public const int CUDNN_RNN_SINGLE_REC_BIAS = 3;
    public const int CUDNN_LINEAR_INPUT = 0;
    public const int CUDNN_UNIDIRECTIONAL = 0;
    public const int CUDNN_BIDIRECTIONAL = 1;
    public const int CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_UNPACKED = 0;
    public const int CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_PACKED = 1;
    public const int CUDNN_RNN_DATA_LAYOUT_BATCH_MAJOR_UNPACKED = 2;
    public const int CUDNN_FWD_MODE_INFERENCE = 0;
    public const int CUDNN_FWD_MODE_TRAINING = 1;
    public const uint CUDNN_RNN_PADDED_IO_ENABLED = 1;
    public const int CUDNN_WGRAD_MODE_ADD = 0;

    /// <summary>cudnnConvolutionFwdAlgoPerf_t (and the BwdData/BwdFilter ones, same layout).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ConvolutionAlgoPerf
    {
        public int Algo;
        public int Status;
        public float Time;
        public nuint Memory;
        public int Determinism;
        public int MathType;
        public int Reserved0, Reserved1, Reserved2;
    }

    // ---- library, handle ---------------------------------------------------------------------
    [LibraryImport(Lib, EntryPoint = "cudnnGetVersion")]
    public static partial nuint cudnnGetVersion();

    [LibraryImport(Lib, EntryPoint = "cudnnGetErrorString")]
    public static partial byte* cudnnGetErrorString(int status);

    [LibraryImport(Lib, EntryPoint = "cudnnCreate")]
    public static partial int cudnnCreate(nint* handle);

    [LibraryImport(Lib, EntryPoint = "cudnnDestroy")]
    public static partial int cudnnDestroy(nint handle);

    [LibraryImport(Lib, EntryPoint = "cudnnSetStream")]
    public static partial int cudnnSetStream(nint handle, nint stream);

    // ---- tensor and filter descriptors -------------------------------------------------------
    [LibraryImport(Lib, EntryPoint = "cudnnCreateTensorDescriptor")]
    public static partial int cudnnCreateTensorDescriptor(nint* desc);

    [LibraryImport(Lib, EntryPoint = "cudnnDestroyTensorDescriptor")]
    public static partial int cudnnDestroyTensorDescriptor(nint desc);

    [LibraryImport(Lib, EntryPoint = "cudnnSetTensor4dDescriptor")]
    public static partial int cudnnSetTensor4dDescriptor(nint desc, int format, int dataType, int n, int c, int h, int w);

    [LibraryImport(Lib, EntryPoint = "cudnnSetTensor4dDescriptorEx")]
    public static partial int cudnnSetTensor4dDescriptorEx(nint desc, int dataType, int n, int c, int h, int w, int nStride, int cStride, int hStride, int wStride);

    [LibraryImport(Lib, EntryPoint = "cudnnSetTensorNdDescriptor")]
    public static partial int cudnnSetTensorNdDescriptor(nint desc, int dataType, int nbDims, int* dims, int* strides);

    [LibraryImport(Lib, EntryPoint = "cudnnCreateFilterDescriptor")]
    public static partial int cudnnCreateFilterDescriptor(nint* desc);

    [LibraryImport(Lib, EntryPoint = "cudnnDestroyFilterDescriptor")]
    public static partial int cudnnDestroyFilterDescriptor(nint desc);

    [LibraryImport(Lib, EntryPoint = "cudnnSetFilter4dDescriptor")]
    public static partial int cudnnSetFilter4dDescriptor(nint desc, int dataType, int format, int k, int c, int h, int w);

    [LibraryImport(Lib, EntryPoint = "cudnnSetFilterNdDescriptor")]
    public static partial int cudnnSetFilterNdDescriptor(nint desc, int dataType, int format, int nbDims, int* dims);

    // ---- convolution -------------------------------------------------------------------------
    [LibraryImport(Lib, EntryPoint = "cudnnCreateConvolutionDescriptor")]
    public static partial int cudnnCreateConvolutionDescriptor(nint* desc);

    [LibraryImport(Lib, EntryPoint = "cudnnDestroyConvolutionDescriptor")]
    public static partial int cudnnDestroyConvolutionDescriptor(nint desc);

    [LibraryImport(Lib, EntryPoint = "cudnnSetConvolution2dDescriptor")]
    public static partial int cudnnSetConvolution2dDescriptor(nint desc, int padH, int padW, int strideH, int strideW, int dilationH, int dilationW, int mode, int computeType);

    [LibraryImport(Lib, EntryPoint = "cudnnSetConvolutionNdDescriptor")]
    public static partial int cudnnSetConvolutionNdDescriptor(nint desc, int arrayLength, int* pads, int* strides, int* dilations, int mode, int computeType);

    [LibraryImport(Lib, EntryPoint = "cudnnSetConvolutionGroupCount")]
    public static partial int cudnnSetConvolutionGroupCount(nint desc, int groupCount);

    [LibraryImport(Lib, EntryPoint = "cudnnSetConvolutionMathType")]
    public static partial int cudnnSetConvolutionMathType(nint desc, int mathType);

    [LibraryImport(Lib, EntryPoint = "cudnnGetConvolution2dForwardOutputDim")]
    public static partial int cudnnGetConvolution2dForwardOutputDim(nint convDesc, nint xDesc, nint wDesc, int* n, int* c, int* h, int* w);

    [LibraryImport(Lib, EntryPoint = "cudnnGetConvolutionForwardAlgorithm_v7")]
    public static partial int cudnnGetConvolutionForwardAlgorithm_v7(nint handle, nint xDesc, nint wDesc, nint convDesc, nint yDesc,
        int requestedCount, int* returnedCount, ConvolutionAlgoPerf* results);

    [LibraryImport(Lib, EntryPoint = "cudnnGetConvolutionBackwardDataAlgorithm_v7")]
    public static partial int cudnnGetConvolutionBackwardDataAlgorithm_v7(nint handle, nint wDesc, nint dyDesc, nint convDesc, nint dxDesc,
        int requestedCount, int* returnedCount, ConvolutionAlgoPerf* results);

    [LibraryImport(Lib, EntryPoint = "cudnnGetConvolutionBackwardFilterAlgorithm_v7")]
    public static partial int cudnnGetConvolutionBackwardFilterAlgorithm_v7(nint handle, nint xDesc, nint dyDesc, nint convDesc, nint dwDesc,
        int requestedCount, int* returnedCount, ConvolutionAlgoPerf* results);

    [LibraryImport(Lib, EntryPoint = "cudnnFindConvolutionForwardAlgorithm")]
    public static partial int cudnnFindConvolutionForwardAlgorithm(nint handle, nint xDesc, nint wDesc, nint convDesc, nint yDesc,
        int requestedCount, int* returnedCount, ConvolutionAlgoPerf* results);

    [LibraryImport(Lib, EntryPoint = "cudnnFindConvolutionBackwardDataAlgorithm")]
    public static partial int cudnnFindConvolutionBackwardDataAlgorithm(nint handle, nint wDesc, nint dyDesc, nint convDesc, nint dxDesc,
        int requestedCount, int* returnedCount, ConvolutionAlgoPerf* results);

    [LibraryImport(Lib, EntryPoint = "cudnnFindConvolutionBackwardFilterAlgorithm")]
    public static partial int cudnnFindConvolutionBackwardFilterAlgorithm(nint handle, nint xDesc, nint dyDesc, nint convDesc, nint dwDesc,
        int requestedCount, int* returnedCount, ConvolutionAlgoPerf* results);

    [LibraryImport(Lib, EntryPoint = "cudnnGetConvolutionForwardWorkspaceSize")]
    public static partial int cudnnGetConvolutionForwardWorkspaceSize(nint handle, nint xDesc, nint wDesc, nint convDesc, nint yDesc, int algo, nuint* bytes);

    [LibraryImport(Lib, EntryPoint = "cudnnGetConvolutionBackwardDataWorkspaceSize")]
    public static partial int cudnnGetConvolutionBackwardDataWorkspaceSize(nint handle, nint wDesc, nint dyDesc, nint convDesc, nint dxDesc, int algo, nuint* bytes);

    [LibraryImport(Lib, EntryPoint = "cudnnGetConvolutionBackwardFilterWorkspaceSize")]
    public static partial int cudnnGetConvolutionBackwardFilterWorkspaceSize(nint handle, nint xDesc, nint dyDesc, nint convDesc, nint dwDesc, int algo, nuint* bytes);

    [LibraryImport(Lib, EntryPoint = "cudnnConvolutionForward")]
    public static partial int cudnnConvolutionForward(nint handle, float* alpha, nint xDesc, ulong x, nint wDesc, ulong w, nint convDesc, int algo,
        ulong workspace, nuint workspaceBytes, float* beta, nint yDesc, ulong y);

    [LibraryImport(Lib, EntryPoint = "cudnnConvolutionBackwardData")]
    public static partial int cudnnConvolutionBackwardData(nint handle, float* alpha, nint wDesc, ulong w, nint dyDesc, ulong dy, nint convDesc, int algo,
        ulong workspace, nuint workspaceBytes, float* beta, nint dxDesc, ulong dx);

    [LibraryImport(Lib, EntryPoint = "cudnnConvolutionBackwardFilter")]
    public static partial int cudnnConvolutionBackwardFilter(nint handle, float* alpha, nint xDesc, ulong x, nint dyDesc, ulong dy, nint convDesc, int algo,
        ulong workspace, nuint workspaceBytes, float* beta, nint dwDesc, ulong dw);

    [LibraryImport(Lib, EntryPoint = "cudnnConvolutionBackwardBias")]
    public static partial int cudnnConvolutionBackwardBias(nint handle, float* alpha, nint dyDesc, ulong dy, float* beta, nint dbDesc, ulong db);

    // ---- pooling -----------------------------------------------------------------------------
    [LibraryImport(Lib, EntryPoint = "cudnnCreatePoolingDescriptor")]
    public static partial int cudnnCreatePoolingDescriptor(nint* desc);

    [LibraryImport(Lib, EntryPoint = "cudnnDestroyPoolingDescriptor")]
    public static partial int cudnnDestroyPoolingDescriptor(nint desc);

    [LibraryImport(Lib, EntryPoint = "cudnnSetPooling2dDescriptor")]
    public static partial int cudnnSetPooling2dDescriptor(nint desc, int mode, int nanPropagation, int windowH, int windowW, int padH, int padW, int strideH, int strideW);

    [LibraryImport(Lib, EntryPoint = "cudnnPoolingForward")]
    public static partial int cudnnPoolingForward(nint handle, nint poolDesc, float* alpha, nint xDesc, ulong x, float* beta, nint yDesc, ulong y);

    [LibraryImport(Lib, EntryPoint = "cudnnPoolingBackward")]
    public static partial int cudnnPoolingBackward(nint handle, nint poolDesc, float* alpha, nint yDesc, ulong y, nint dyDesc, ulong dy,
        nint xDesc, ulong x, float* beta, nint dxDesc, ulong dx);

    // ---- activation and softmax --------------------------------------------------------------
    [LibraryImport(Lib, EntryPoint = "cudnnCreateActivationDescriptor")]
    public static partial int cudnnCreateActivationDescriptor(nint* desc);

    [LibraryImport(Lib, EntryPoint = "cudnnDestroyActivationDescriptor")]
    public static partial int cudnnDestroyActivationDescriptor(nint desc);

    [LibraryImport(Lib, EntryPoint = "cudnnSetActivationDescriptor")]
    public static partial int cudnnSetActivationDescriptor(nint desc, int mode, int nanPropagation, double coefficient);

    [LibraryImport(Lib, EntryPoint = "cudnnActivationForward")]
    public static partial int cudnnActivationForward(nint handle, nint activationDesc, float* alpha, nint xDesc, ulong x, float* beta, nint yDesc, ulong y);

    [LibraryImport(Lib, EntryPoint = "cudnnActivationBackward")]
    public static partial int cudnnActivationBackward(nint handle, nint activationDesc, float* alpha, nint yDesc, ulong y, nint dyDesc, ulong dy,
        nint xDesc, ulong x, float* beta, nint dxDesc, ulong dx);

    [LibraryImport(Lib, EntryPoint = "cudnnSoftmaxForward")]
    public static partial int cudnnSoftmaxForward(nint handle, int algorithm, int mode, float* alpha, nint xDesc, ulong x, float* beta, nint yDesc, ulong y);

    [LibraryImport(Lib, EntryPoint = "cudnnSoftmaxBackward")]
    public static partial int cudnnSoftmaxBackward(nint handle, int algorithm, int mode, float* alpha, nint yDesc, ulong y, nint dyDesc, ulong dy,
        float* beta, nint dxDesc, ulong dx);

    // ---- batch normalization -----------------------------------------------------------------
    [LibraryImport(Lib, EntryPoint = "cudnnDeriveBNTensorDescriptor")]
    public static partial int cudnnDeriveBNTensorDescriptor(nint derivedDesc, nint xDesc, int mode);

    [LibraryImport(Lib, EntryPoint = "cudnnBatchNormalizationForwardTraining")]
    public static partial int cudnnBatchNormalizationForwardTraining(nint handle, int mode, float* alpha, float* beta,
        nint xDesc, ulong x, nint yDesc, ulong y, nint scaleBiasMeanVarDesc, ulong scale, ulong bias,
        double exponentialAverageFactor, ulong runningMean, ulong runningVariance, double epsilon, ulong saveMean, ulong saveInvVariance);

    [LibraryImport(Lib, EntryPoint = "cudnnBatchNormalizationForwardInference")]
    public static partial int cudnnBatchNormalizationForwardInference(nint handle, int mode, float* alpha, float* beta,
        nint xDesc, ulong x, nint yDesc, ulong y, nint scaleBiasMeanVarDesc, ulong scale, ulong bias,
        ulong estimatedMean, ulong estimatedVariance, double epsilon);

    [LibraryImport(Lib, EntryPoint = "cudnnBatchNormalizationBackward")]
    public static partial int cudnnBatchNormalizationBackward(nint handle, int mode, float* alphaDataDiff, float* betaDataDiff,
        float* alphaParamDiff, float* betaParamDiff, nint xDesc, ulong x, nint dyDesc, ulong dy, nint dxDesc, ulong dx,
        nint scaleBiasDesc, ulong scale, ulong dScale, ulong dBias, double epsilon, ulong savedMean, ulong savedInvVariance);

    // ---- dropout -----------------------------------------------------------------------------
    [LibraryImport(Lib, EntryPoint = "cudnnCreateDropoutDescriptor")]
    public static partial int cudnnCreateDropoutDescriptor(nint* desc);

    [LibraryImport(Lib, EntryPoint = "cudnnDestroyDropoutDescriptor")]
    public static partial int cudnnDestroyDropoutDescriptor(nint desc);

    [LibraryImport(Lib, EntryPoint = "cudnnDropoutGetStatesSize")]
    public static partial int cudnnDropoutGetStatesSize(nint handle, nuint* bytes);

    [LibraryImport(Lib, EntryPoint = "cudnnDropoutGetReserveSpaceSize")]
    public static partial int cudnnDropoutGetReserveSpaceSize(nint xDesc, nuint* bytes);

    [LibraryImport(Lib, EntryPoint = "cudnnSetDropoutDescriptor")]
    public static partial int cudnnSetDropoutDescriptor(nint desc, nint handle, float dropout, ulong states, nuint stateBytes, ulong seed);

    [LibraryImport(Lib, EntryPoint = "cudnnDropoutForward")]
    public static partial int cudnnDropoutForward(nint handle, nint dropoutDesc, nint xDesc, ulong x, nint yDesc, ulong y, ulong reserveSpace, nuint reserveBytes);

    [LibraryImport(Lib, EntryPoint = "cudnnDropoutBackward")]
    public static partial int cudnnDropoutBackward(nint handle, nint dropoutDesc, nint dyDesc, ulong dy, nint dxDesc, ulong dx, ulong reserveSpace, nuint reserveBytes);

    // ---- RNN ("v8" API: in both 8.x and 9.x) -------------------------------------------------
    [LibraryImport(Lib, EntryPoint = "cudnnCreateRNNDescriptor")]
    public static partial int cudnnCreateRNNDescriptor(nint* desc);

    [LibraryImport(Lib, EntryPoint = "cudnnDestroyRNNDescriptor")]
    public static partial int cudnnDestroyRNNDescriptor(nint desc);

    [LibraryImport(Lib, EntryPoint = "cudnnSetRNNDescriptor_v8")]
    public static partial int cudnnSetRNNDescriptor_v8(nint desc, int algo, int cellMode, int biasMode, int directionMode, int inputMode,
        int dataType, int mathPrecision, int mathType, int inputSize, int hiddenSize, int projSize, int numLayers, nint dropoutDesc, uint auxFlags);

    [LibraryImport(Lib, EntryPoint = "cudnnCreateRNNDataDescriptor")]
    public static partial int cudnnCreateRNNDataDescriptor(nint* desc);

    [LibraryImport(Lib, EntryPoint = "cudnnDestroyRNNDataDescriptor")]
    public static partial int cudnnDestroyRNNDataDescriptor(nint desc);

    [LibraryImport(Lib, EntryPoint = "cudnnSetRNNDataDescriptor")]
    public static partial int cudnnSetRNNDataDescriptor(nint desc, int dataType, int layout, int maxSeqLength, int batchSize, int vectorSize,
        int* seqLengths, void* paddingFill);

    [LibraryImport(Lib, EntryPoint = "cudnnGetRNNWeightSpaceSize")]
    public static partial int cudnnGetRNNWeightSpaceSize(nint handle, nint rnnDesc, nuint* bytes);

    [LibraryImport(Lib, EntryPoint = "cudnnGetRNNWeightParams")]
    public static partial int cudnnGetRNNWeightParams(nint handle, nint rnnDesc, int pseudoLayer, nuint weightSpaceBytes, ulong weightSpace,
        int linLayerId, nint mDesc, ulong* mAddress, nint bDesc, ulong* bAddress);

    [LibraryImport(Lib, EntryPoint = "cudnnGetRNNTempSpaceSizes")]
    public static partial int cudnnGetRNNTempSpaceSizes(nint handle, nint rnnDesc, int forwardMode, nint xDesc, nuint* workspaceBytes, nuint* reserveBytes);

    [LibraryImport(Lib, EntryPoint = "cudnnRNNForward")]
    public static partial int cudnnRNNForward(nint handle, nint rnnDesc, int forwardMode, ulong deviceSeqLengths,
        nint xDesc, ulong x, nint yDesc, ulong y, nint hDesc, ulong hx, ulong hy, nint cDesc, ulong cx, ulong cy,
        nuint weightSpaceBytes, ulong weightSpace, nuint workspaceBytes, ulong workspace, nuint reserveBytes, ulong reserveSpace);

    [LibraryImport(Lib, EntryPoint = "cudnnRNNBackwardData_v8")]
    public static partial int cudnnRNNBackwardData_v8(nint handle, nint rnnDesc, ulong deviceSeqLengths,
        nint yDesc, ulong y, ulong dy, nint xDesc, ulong dx, nint hDesc, ulong hx, ulong dhy, ulong dhx, nint cDesc, ulong cx, ulong dcy, ulong dcx,
        nuint weightSpaceBytes, ulong weightSpace, nuint workspaceBytes, ulong workspace, nuint reserveBytes, ulong reserveSpace);

    [LibraryImport(Lib, EntryPoint = "cudnnRNNBackwardWeights_v8")]
    public static partial int cudnnRNNBackwardWeights_v8(nint handle, nint rnnDesc, int addGrad, ulong deviceSeqLengths,
        nint xDesc, ulong x, nint hDesc, ulong hx, nint yDesc, ulong y,
        nuint weightSpaceBytes, ulong dWeightSpace, nuint workspaceBytes, ulong workspace, nuint reserveBytes, ulong reserveSpace);

    /// <summary>Throws a <see cref="CudaException"/> naming the call and cuDNN's status string.</summary>
    public static void Check(int status, [CallerArgumentExpression(nameof(status))] string call = "")
    {
        if (status == 0) return;
        byte* text = cudnnGetErrorString(status);
        string name = text == null ? $"cudnnStatus_t {status}" : Marshal.PtrToStringUTF8((nint)text)!;
        throw new CudaException("cudnn", CudaDriver.CallName(call), status, name);
    }
}
