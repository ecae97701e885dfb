#nullable enable
using DeepNet.Backends;
using DeepNet.Backends.Cpu;
using DeepNet.Cuda.Cudnn;
using DeepNet.Cuda.Kernels;

namespace DeepNet.Cuda;

// 2-D convolution, NHWC: through cuDNN where it computes exactly the contract's result
// (CudaBackend.CudnnConv.cs), else convolution.cu's direct loops, one thread per output element,
// which are correct for every stride, dilation, padding and group count. Both use the CPU
// backend's geometry checks.
public sealed unsafe partial class CudaBackend
{
    public void ConvForward(Tensor x, Tensor kernel, Tensor y, in ConvSpec spec)
    {
        var g = ConvGeometry.Create("ConvForward", "x", x, kernel, "y", y, spec);
        if (TryCudnnConvolution(ConvolutionPass.Forward, g, x, kernel, y)) return;
        LaunchConv("conv_fwd", g, y.Size, x, kernel, y);
    }

    public void ConvBackwardData(Tensor dy, Tensor kernel, Tensor dx, in ConvSpec spec)
    {
        var g = ConvGeometry.Create("ConvBackwardData", "dx", dx, kernel, "dy", dy, spec);
        if (TryCudnnConvolution(ConvolutionPass.BackwardData, g, dy, kernel, dx)) return;
        LaunchConv("conv_bwd_data", g, dx.Size, dy, kernel, dx);
    }

    public void ConvBackwardFilter(Tensor x, Tensor dy, Tensor dKernel, in ConvSpec spec)
    {
        var g = ConvGeometry.Create("ConvBackwardFilter", "x", x, dKernel, "dy", dy, spec);
        if (TryCudnnConvolution(ConvolutionPass.BackwardFilter, g, x, dy, dKernel)) return;
        LaunchConv("conv_bwd_filter", g, dKernel.Size, x, dy, dKernel);
    }

    private void LaunchConv(string kernelName, in ConvGeometry g, long total, Tensor a, Tensor b, Tensor output)
    {
        if (total == 0) return;
        EnterContext();
        var p = new ConvParams
        {
            N = g.N, H = g.H, W = g.W, Cin = g.Cin, KH = g.KH, KW = g.KW, Cout = g.Cout, OutH = g.OH, OutW = g.OW,
            StrideH = g.StrideH, StrideW = g.StrideW, DilationH = g.DilationH, DilationW = g.DilationW,
            PadTop = g.PadTop, PadLeft = g.PadLeft, Groups = g.Groups, GroupIn = g.GroupIn, GroupOut = g.GroupOut,
        };
        ulong pa = Ptr(a), pb = Ptr(b), po = Ptr(output);
        void** args = stackalloc void*[5];
        args[0] = &total;
        args[1] = &p;
        args[2] = &pa;
        args[3] = &pb;
        args[4] = &po;
        Launch(_kernels.Function("convolution.cu", kernelName), total, args);
    }
}
