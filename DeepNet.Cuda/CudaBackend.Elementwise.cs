#nullable enable
using DeepNet.Backends;
using DeepNet.Cuda.Kernels;

namespace DeepNet.Cuda;

// Unary, broadcasting binary, activation and softmax kernels (elementwise.cu, activation.cu,
// softmax.cu). Checks and formulas are the CPU backend's.
public sealed unsafe partial class CudaBackend
{
    public void Unary(UnaryOp op, Tensor x, Tensor y, float arg0 = 0f, float arg1 = 0f)
    {
        string name = $"Unary {op}";
        RequireFloat(x, name, "x");
        RequireFloat(y, name, "y");
        RequireSameShape(name, "x", x, "y", y);
        if (x.Size == 0) return;
        EnterContext();
        int code = (int)op;
        long n = x.Size;
        ulong px = Ptr(x), py = Ptr(y);
        void** args = stackalloc void*[6];
        args[0] = &code;
        args[1] = &n;
        args[2] = &px;
        args[3] = &py;
        args[4] = &arg0;
        args[5] = &arg1;
        Launch(_kernels.Function("elementwise.cu", "unary_f32"), n, args);
    }

    public void Binary(BinaryOp op, Tensor a, Tensor b, Tensor y)
    {
        string name = $"Binary {op}";
        RequireFloat(a, name, "a");
        RequireFloat(b, name, "b");
        RequireFloat(y, name, "y");
        var expected = Shape.Broadcast(a.Shape, b.Shape, name);
        if (y.Shape != expected)
            throw new ShapeMismatchException(name, $"a {a.Shape} and b {b.Shape} broadcast to {expected}, but y is {y.Shape}.");
        if (y.Size == 0) return;
        EnterContext();
        int code = (int)op;
        long n = y.Size;
        ulong pa = Ptr(a), pb = Ptr(b), py = Ptr(y);
        if (a.Shape == y.Shape && b.Shape == y.Shape)
        {
            void** same = stackalloc void*[5];
            same[0] = &code;
            same[1] = &n;
            same[2] = &pa;
            same[3] = &pb;
            same[4] = &py;
            Launch(_kernels.Function("elementwise.cu", "binary_same_f32"), n, same);
            return;
        }
        int rank = y.Rank;
        var sizes = Dims.Of(y.Shape.AsSpan(), name);
        var stridesA = BroadcastStrides(a.Shape, rank);
        var stridesB = BroadcastStrides(b.Shape, rank);
        void** args = stackalloc void*[9];
        args[0] = &code;
        args[1] = &n;
        args[2] = &rank;
        args[3] = &sizes;
        args[4] = &stridesA;
        args[5] = &stridesB;
        args[6] = &pa;
        args[7] = &pb;
        args[8] = &py;
        Launch(_kernels.Function("elementwise.cu", "binary_broadcast_f32"), n, args);
    }

    /// <summary>Strides of <paramref name="shape"/> aligned right to rank <paramref name="rank"/>, 0 where it broadcasts.</summary>
    private static Dims BroadcastStrides(Shape shape, int rank)
    {
        var strides = default(Dims);
        long s = 1;
        for (int i = shape.Rank - 1; i >= 0; i--)
        {
            int d = rank - shape.Rank + i;
            strides[d] = shape[i] == 1 ? 0 : s;
            s *= shape[i];
        }
        return strides;
    }

    public void Activation(ActivationKind kind, Tensor x, Tensor? bias, Tensor y, float alpha = 0f)
    {
        string name = $"Activation {kind}";
        RequireFloat(x, name, "x");
        RequireFloat(y, name, "y");
        RequireSameShape(name, "x", x, "y", y);
        long channels = 1;
        ulong pbias = 0;
        if (bias is not null)
        {
            RequireFloat(bias, name, "bias");
            if (x.Rank == 0 || bias.Rank != 1 || bias.Shape[0] != x.Shape[-1])
                throw new ShapeMismatchException(name, $"bias {bias.Shape} must have shape (C,) with C the last dimension of x {x.Shape}.");
            channels = x.Shape[-1];
        }
        if (x.Size == 0) return;
        if (TryCudnnActivation(kind, x, bias, y, alpha)) return;
        EnterContext();
        if (bias is not null) pbias = Ptr(bias);
        int code = (int)kind;
        long n = x.Size;
        ulong px = Ptr(x), py = Ptr(y);
        void** args = stackalloc void*[7];
        args[0] = &code;
        args[1] = &n;
        args[2] = &px;
        args[3] = &pbias;
        args[4] = &channels;
        args[5] = &py;
        args[6] = &alpha;
        Launch(_kernels.Function("activation.cu", "activation_fwd"), n, args);
    }

    public void ActivationBackward(ActivationKind kind, Tensor x, Tensor y, Tensor dy, Tensor dx, float alpha = 0f)
    {
        string name = $"ActivationBackward {kind}";
        RequireFloat(x, name, "x");
        RequireFloat(y, name, "y");
        RequireFloat(dy, name, "dy");
        RequireFloat(dx, name, "dx");
        RequireSameShape(name, "x", x, "y", y);
        RequireSameShape(name, "x", x, "dy", dy);
        RequireSameShape(name, "x", x, "dx", dx);
        if (x.Size == 0) return;
        if (TryCudnnActivationBackward(kind, x, y, dy, dx, alpha)) return;
        EnterContext();
        int code = (int)kind;
        long n = x.Size;
        ulong px = Ptr(x), py = Ptr(y), pdy = Ptr(dy), pdx = Ptr(dx);
        void** args = stackalloc void*[7];
        args[0] = &code;
        args[1] = &n;
        args[2] = &px;
        args[3] = &py;
        args[4] = &pdy;
        args[5] = &pdx;
        args[6] = &alpha;
        Launch(_kernels.Function("activation.cu", "activation_bwd"), n, args);
    }

    public void Softmax(Tensor x, Tensor y, bool log)
    {
        string name = log ? "LogSoftmax" : "Softmax";
        RequireFloat(x, name, "x");
        RequireFloat(y, name, "y");
        RequireSameShape(name, "x", x, "y", y);
        if (x.Rank == 0) throw new ShapeMismatchException(name, $"x {x.Shape} needs at least one axis.");
        int cols = x.Shape[-1];
        if (cols == 0 || x.Size == 0) return;
        if (TryCudnnSoftmax(x, y, x.Size / cols, cols, log)) return;
        EnterContext();
        long rows = x.Size / cols;
        int logFlag = log ? 1 : 0;
        ulong px = Ptr(x), py = Ptr(y);
        void** args = stackalloc void*[5];
        args[0] = &rows;
        args[1] = &cols;
        args[2] = &px;
        args[3] = &py;
        args[4] = &logFlag;
        LaunchBlocks(_kernels.Function("softmax.cu", "softmax_fwd"), rows, args);
    }

    public void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx, bool log)
    {
        string name = log ? "LogSoftmaxBackward" : "SoftmaxBackward";
        RequireFloat(y, name, "y");
        RequireFloat(dy, name, "dy");
        RequireFloat(dx, name, "dx");
        RequireSameShape(name, "y", y, "dy", dy);
        RequireSameShape(name, "y", y, "dx", dx);
        if (y.Rank == 0) throw new ShapeMismatchException(name, $"y {y.Shape} needs at least one axis.");
        int cols = y.Shape[-1];
        if (cols == 0 || y.Size == 0) return;
        if (TryCudnnSoftmaxBackward(y, dy, dx, y.Size / cols, cols, log)) return;
        EnterContext();
        long rows = y.Size / cols;
        int logFlag = log ? 1 : 0;
        ulong py = Ptr(y), pdy = Ptr(dy), pdx = Ptr(dx);
        void** args = stackalloc void*[6];
        args[0] = &rows;
        args[1] = &cols;
        args[2] = &py;
        args[3] = &pdy;
        args[4] = &pdx;
        args[5] = &logFlag;
        LaunchBlocks(_kernels.Function("softmax.cu", "softmax_bwd"), rows, args);
    }
}
