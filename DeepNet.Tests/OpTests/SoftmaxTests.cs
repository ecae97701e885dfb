using DeepNet.Tests.Autograd;

namespace DeepNet.Tests.OpTests;

public class SoftmaxTests
{
    [Test]
    public void Softmax_LastAxis_MatchesFiniteDifferences()
    {
        GradientCheck.Check("Softmax axis -1", x => DeepNet.Ops.Softmax(x[0]),
            x => Float64.Softmax(x[0], 5, log: false), [new Shape(3, 5)], [GradientCheck.Uniform(new Random(1), 15, -3, 3)]);
    }

    [Test]
    public void LogSoftmax_LastAxis_MatchesFiniteDifferences()
    {
        GradientCheck.Check("LogSoftmax axis -1", x => DeepNet.Ops.LogSoftmax(x[0]),
            x => Float64.Softmax(x[0], 4, log: true), [new Shape(2, 3, 4)], [GradientCheck.Uniform(new Random(2), 24, -3, 3)]);
    }

    [Test]
    public void Softmax_SingleClass_IsOneWithZeroGradient()
    {
        GradientCheck.Check("Softmax one class", x => DeepNet.Ops.Softmax(x[0]),
            x => Float64.Softmax(x[0], 1, log: false), [new Shape(4, 1)]);
    }

    [Test]
    public void SoftmaxLogSoftmax_InnerAxis_MatchFiniteDifferences()
    {
        int[] shape = [2, 3, 4];
        foreach (bool log in new[] { false, true })
        {
            GradientCheck.Check($"{(log ? "LogSoftmax" : "Softmax")} axis 1",
                x => log ? DeepNet.Ops.LogSoftmax(x[0], 1) : DeepNet.Ops.Softmax(x[0], 1),
                x =>
                {
                    // Move axis 1 last, apply, move back.
                    var moved = Float64.Transpose(x[0], shape, [0, 2, 1]);
                    var s = Float64.Softmax(moved, 3, log);
                    return Float64.Transpose(s, [2, 4, 3], [0, 2, 1]);
                },
                [new Shape(shape)]);
        }
    }
}
