#nullable enable
using DeepNet.Memory;

namespace DeepNet.Backends;

/// <summary>
/// The backend contract: every kernel a model needs, for one device. Kernels write into
/// destination tensors the caller allocated (so buffers can be pooled) and never allocate
/// results themselves. Layout is row-major; images are NHWC (Keras channels_last); a 1-D
/// convolution or pooling is the 2-D one with height 1. Every backend passes the same parity
/// tests against the float64 references in DeepNet.Core/Cpu/Reference.
/// </summary>
public interface IBackend : IDisposable
{
    string Name { get; }                                   // "cpu", "cuda"
    string DeviceDescription { get; }                      // e.g. "AMD EPYC (2 threads, AVX2)"
    MemoryStats Memory { get; }

    // Memory and transfer
    DeviceBuffer Allocate(long elementCount, DType dtype);
    void Upload<T>(ReadOnlySpan<T> source, Tensor destination) where T : unmanaged;
    void Download<T>(Tensor source, Span<T> destination) where T : unmanaged;
    void Copy(Tensor source, Tensor destination);
    void Fill(Tensor destination, float value);            // converted to the tensor's dtype
    void Cast(Tensor source, Tensor destination);          // between float32, int32, int64
    void Synchronize();

    // Dense algebra: c = alpha·op(a)·op(b) + beta·c; rank 2, or rank 3 batched (a rank-2 b is shared)
    void Gemm(Tensor a, Tensor b, Tensor c, bool transposeA = false, bool transposeB = false, float alpha = 1f, float beta = 0f);

    // Convolution, NHWC; kernel (kh, kw, in/groups, out) as Keras stores it.
    // A transposed convolution is ConvBackwardData forward, ConvForward backward.
    void ConvForward(Tensor x, Tensor kernel, Tensor y, in ConvSpec spec);
    void ConvBackwardData(Tensor dy, Tensor kernel, Tensor dx, in ConvSpec spec);
    void ConvBackwardFilter(Tensor x, Tensor dy, Tensor dKernel, in ConvSpec spec);

    // Pooling, NHWC
    void PoolForward(Tensor x, Tensor y, in PoolSpec spec);
    void PoolBackward(Tensor x, Tensor y, Tensor dy, Tensor dx, in PoolSpec spec);

    // Batch normalization over every axis but the last (x seen as rows × channels); biased variance
    void BatchNormTraining(Tensor x, Tensor gamma, Tensor beta, float epsilon, Tensor y, Tensor mean, Tensor variance);
    void BatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor variance, float epsilon, Tensor y);
    void BatchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor mean, Tensor variance, float epsilon, Tensor dx, Tensor dGamma, Tensor dBeta);

    // Softmax / log-softmax along the last axis
    void Softmax(Tensor x, Tensor y, bool log);
    void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx, bool log);

    // Activations, optionally fused with a bias added along the last axis first: y = f(x + bias)
    void Activation(ActivationKind kind, Tensor x, Tensor? bias, Tensor y, float alpha = 0f);
    void ActivationBackward(ActivationKind kind, Tensor x, Tensor y, Tensor dy, Tensor dx, float alpha = 0f);

    // Elementwise with numpy broadcasting
    void Unary(UnaryOp op, Tensor x, Tensor y, float arg0 = 0f, float arg1 = 0f);
    void Binary(BinaryOp op, Tensor a, Tensor b, Tensor y);

    // Reductions; y has x's rank with the reduced axes set to 1
    void Reduce(ReduceOp op, Tensor x, ReadOnlySpan<int> axes, Tensor y);
    void ArgMax(Tensor x, int axis, Tensor indices);      // int32 or int64 indices, axis removed

    // Indexing: y = x[..., indices, ...] along axis; ScatterAdd is its adjoint and adds into y
    void Gather(Tensor x, Tensor indices, int axis, Tensor y);
    void ScatterAdd(Tensor updates, Tensor indices, int axis, Tensor y);

    // Layout
    void Concat(IReadOnlyList<Tensor> inputs, int axis, Tensor y);
    void Slice(Tensor x, ReadOnlySpan<int> begin, Tensor y);                    // y's shape gives the sizes
    void Pad(Tensor x, ReadOnlySpan<int> before, float value, Tensor y);        // y's shape gives the total
    void Transpose(Tensor x, ReadOnlySpan<int> permutation, Tensor y);
    void Tile(Tensor x, Tensor y);                                              // repeats = y.dims / x.dims

    // Counter-based random (Philox4x32-10): element i uses counter offset + i, whatever the threads
    void RandomUniform(Tensor y, ulong seed, ulong offset, float low, float high);
    void RandomNormal(Tensor y, ulong seed, ulong offset, float mean, float stddev);
    void TruncatedNormal(Tensor y, ulong seed, ulong offset, float mean, float stddev); // within 2σ
    void DropoutMask(Tensor mask, ulong seed, ulong offset, float rate);        // 0 or 1/(1-rate)

    // Fused optimizer update of one variable in place (Keras rules), slots as OptimizerKind lists them
    void OptimizerUpdate(in OptimizerStep step, Tensor variable, Tensor gradient, IReadOnlyList<Tensor> slots);
}
