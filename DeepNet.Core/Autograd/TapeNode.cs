#nullable enable
namespace DeepNet.Autograd;

/// <summary>
/// Backward function of one recorded op: given the gradient of the op's output, returns one
/// gradient per input (same order and shape as the inputs), or null where the input needs none.
/// <paramref name="wanted"/>[i] says whether input i leads to a requested source; rules may skip
/// the work for the others. Returned tensors must be new tensor objects (a view made with
/// Reshape is fine), never <paramref name="outputGradient"/> itself, because the tape disposes
/// gradients once they are consumed.
/// </summary>
public delegate Tensor?[] GradientFunction(Tensor outputGradient, bool[] wanted);

/// <summary>One op recorded by a <see cref="GradientTape"/>: what it read, what it wrote, how to go back.</summary>
public sealed class TapeNode
{
    internal TapeNode(string op, Tensor[] inputs, Tensor output, GradientFunction? backward)
    {
        Op = op;
        Inputs = inputs;
        Output = output;
        Backward = backward;
    }

    /// <summary>The op's name as Ops spells it (e.g. "MatMul"), used in error messages.</summary>
    public string Op { get; }

    public IReadOnlyList<Tensor> Inputs { get; }

    public Tensor Output { get; }

    /// <summary>Null when the op has no gradient rule; reaching it in a backward pass is an error.</summary>
    internal GradientFunction? Backward { get; }

    public override string ToString() => $"{Op} -> {Output.Shape}";
}
