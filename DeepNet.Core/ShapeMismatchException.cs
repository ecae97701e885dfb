#nullable enable
namespace DeepNet;

/// <summary>
/// Thrown when an op receives tensors whose shapes do not fit together. The message names the op
/// and the shapes involved, so the caller can see what was expected and what arrived.
/// </summary>
public sealed class ShapeMismatchException : ArgumentException
{
    public ShapeMismatchException(string op, string detail) : base($"{op}: {detail}") => Op = op;

    /// <summary>The op that rejected its inputs.</summary>
    public string Op { get; }
}
