#nullable enable
using DeepNet.Backends;
using DeepNet.Backends.Cpu;
using DeepNet.Cuda.Kernels;

namespace DeepNet.Cuda;

// Max and average pooling, NHWC, with the CPU backend's geometry checks: through cuDNN where it
// computes exactly the contract's result (CudaBackend.CudnnPool.cs), else pooling.cu.
public sealed unsafe partial class CudaBackend
{
    public void PoolForward(Tensor x, Tensor y, in PoolSpec spec)
    {
        var g = PoolGeometry.Create("PoolForward", x, y, spec);
        if (y.Size == 0) return;
        if (TryCudnnPoolForward(g, spec, x, y)) return;
        EnterContext();
        var p = PoolParameters(g, spec);
        long total = y.Size;
        ulong px = Ptr(x), py = Ptr(y);
        void** args = stackalloc void*[4];
        args[0] = &total;
        args[1] = &p;
        args[2] = &px;
        args[3] = &py;
        Launch(_kernels.Function("pooling.cu", "pool_fwd"), total, args);
    }

    public void PoolBackward(Tensor x, Tensor y, Tensor dy, Tensor dx, in PoolSpec spec)
    {
        var g = PoolGeometry.Create("PoolBackward", x, y, spec);
        PoolGeometry.CheckSame("PoolBackward", "dy", dy, "y", y);
        PoolGeometry.CheckSame("PoolBackward", "dx", dx, "x", x);
        if (dx.Size == 0) return;
        if (TryCudnnPoolBackward(g, spec, x, y, dy, dx)) return;
        EnterContext();
        var p = PoolParameters(g, spec);
        long total = dx.Size;
        ulong px = Ptr(x), pdy = Ptr(dy), pdx = Ptr(dx);
        void** args = stackalloc void*[5];
        args[0] = &total;
        args[1] = &p;
        args[2] = &px;
        args[3] = &pdy;
        args[4] = &pdx;
        Launch(_kernels.Function("pooling.cu", "pool_bwd"), total, args);
    }

    private static PoolParams PoolParameters(in PoolGeometry g, in PoolSpec spec) => new()
    {
        N = g.N,
        H = g.H,
        W = g.W,
        C = g.C,
        OutH = g.OH,
        OutW = g.OW,
        PoolH = spec.PoolH,
        PoolW = spec.PoolW,
        StrideH = spec.StrideH,
        StrideW = spec.StrideW,
        PadTop = spec.PadTop,
        PadLeft = spec.PadLeft,
        IsMax = spec.Kind == PoolKind.Max ? 1 : 0,
    };
}
