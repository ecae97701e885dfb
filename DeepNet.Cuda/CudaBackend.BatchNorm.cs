#nullable enable
namespace DeepNet.Cuda;

// Batch normalization over x seen as rows × C (batchnorm.cu): per-channel statistics in one pass
// of blocks over channel tiles, then an elementwise apply. Checks are the CPU backend's. The apply
// and the backward go through cuDNN where it can (CudaBackend.CudnnBatchNorm.cs says which).
public sealed unsafe partial class CudaBackend
{
    private const int BatchNormChannelsPerBlock = 32;

    public void BatchNormTraining(Tensor x, Tensor gamma, Tensor beta, float epsilon, Tensor y, Tensor mean, Tensor variance)
    {
        const string op = "BatchNormTraining";
        var (rows, c) = BatchNormRows(op, x);
        CheckChannels(op, c, x, ("gamma", gamma), ("beta", beta), ("mean", mean), ("variance", variance));
        CheckSameShapeAs(op, x, "y", y);
        if (c == 0) return;
        EnterContext();
        ulong px = Ptr(x), pm = Ptr(mean), pv = Ptr(variance);
        void** args = stackalloc void*[5];
        args[0] = &rows;
        args[1] = &c;
        args[2] = &px;
        args[3] = &pm;
        args[4] = &pv;
        LaunchBlocks(_kernels.Function("batchnorm.cu", "bn_stats"), (c + BatchNormChannelsPerBlock - 1) / BatchNormChannelsPerBlock, args);
        BatchNormInference(x, gamma, beta, mean, variance, epsilon, y);
    }

    public void BatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor variance, float epsilon, Tensor y)
    {
        const string op = "BatchNormInference";
        var (rows, c) = BatchNormRows(op, x);
        CheckChannels(op, c, x, ("gamma", gamma), ("beta", beta), ("mean", mean), ("variance", variance));
        CheckSameShapeAs(op, x, "y", y);
        if (x.Size == 0) return;
        if (TryCudnnBatchNormInference(x, gamma, beta, mean, variance, epsilon, y, rows, c)) return;
        EnterContext();
        long n = x.Size;
        ulong px = Ptr(x), pg = Ptr(gamma), pb = Ptr(beta), pm = Ptr(mean), pv = Ptr(variance), py = Ptr(y);
        void** args = stackalloc void*[9];
        args[0] = &n;
        args[1] = &c;
        args[2] = &px;
        args[3] = &pg;
        args[4] = &pb;
        args[5] = &pm;
        args[6] = &pv;
        args[7] = &epsilon;
        args[8] = &py;
        Launch(_kernels.Function("batchnorm.cu", "bn_apply"), n, args);
    }

    public void BatchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor mean, Tensor variance, float epsilon, Tensor dx, Tensor dGamma, Tensor dBeta)
    {
        const string op = "BatchNormBackward";
        var (rows, c) = BatchNormRows(op, x);
        CheckChannels(op, c, x, ("gamma", gamma), ("mean", mean), ("variance", variance), ("dGamma", dGamma), ("dBeta", dBeta));
        CheckSameShapeAs(op, x, "dy", dy);
        CheckSameShapeAs(op, x, "dx", dx);
        if (c == 0) return;
        if (x.Size > 0 && TryCudnnBatchNormBackward(x, dy, gamma, mean, variance, epsilon, dx, dGamma, dBeta, rows, c)) return;
        EnterContext();
        ulong px = Ptr(x), pdy = Ptr(dy), pg = Ptr(gamma), pm = Ptr(mean), pv = Ptr(variance), pdg = Ptr(dGamma), pdb = Ptr(dBeta), pdx = Ptr(dx);
        void** sums = stackalloc void*[9];
        sums[0] = &rows;
        sums[1] = &c;
        sums[2] = &px;
        sums[3] = &pdy;
        sums[4] = &pm;
        sums[5] = &pv;
        sums[6] = &epsilon;
        sums[7] = &pdg;
        sums[8] = &pdb;
        LaunchBlocks(_kernels.Function("batchnorm.cu", "bn_backward_sums"), (c + BatchNormChannelsPerBlock - 1) / BatchNormChannelsPerBlock, sums);
        if (x.Size == 0) return;
        long n = x.Size;
        void** apply = stackalloc void*[12];
        apply[0] = &n;
        apply[1] = &rows;
        apply[2] = &c;
        apply[3] = &px;
        apply[4] = &pdy;
        apply[5] = &pg;
        apply[6] = &pm;
        apply[7] = &pv;
        apply[8] = &pdg;
        apply[9] = &pdb;
        apply[10] = &epsilon;
        apply[11] = &pdx;
        Launch(_kernels.Function("batchnorm.cu", "bn_backward_apply"), n, apply);
    }

    private static (long Rows, int C) BatchNormRows(string op, Tensor x)
    {
        if (x.Rank < 1) throw new ShapeMismatchException(op, $"x needs at least one axis (channels last), got x {x.Shape}.");
        x.CheckDType(DType.Float32, op);
        int c = x.Shape[-1];
        return (c == 0 ? 0 : x.Size / c, c);
    }

    private static void CheckChannels(string op, int c, Tensor x, params (string Name, Tensor T)[] perChannel)
    {
        foreach (var (name, t) in perChannel)
        {
            if (t.Size != c || t.Rank > 1)
                throw new ShapeMismatchException(op, $"{name} must have shape ({c},) for x {x.Shape}, got {name} {t.Shape}.");
            t.CheckDType(DType.Float32, op);
        }
    }

    private static void CheckSameShapeAs(string op, Tensor x, string name, Tensor t)
    {
        if (!t.Shape.Equals(x.Shape))
            throw new ShapeMismatchException(op, $"{name} must have the shape of x {x.Shape}, got {name} {t.Shape}.");
        t.CheckDType(DType.Float32, op);
    }
}
