#nullable enable
namespace DeepNet.Backends.Cpu.Recurrent;

/// <summary>
/// The shapes of a whole-sequence recurrence on the CPU and where each timestep lives in its
/// batch-major buffers. Step k (processing order) reads input position t = <see cref="Time"/>(k)
/// (the sequence read from the end with go_backwards) and writes its output at position k, as
/// Keras returns the outputs of a backwards layer in processing order. A (batch, steps, width)
/// buffer holds timestep t of every sample as a strided matrix: first row at t·width, rows
/// steps·width apart, which the GEMM reads and writes in place through its leading dimension.
/// </summary>
internal readonly struct SequenceGeometry
{
    public SequenceGeometry(int batch, int steps, int units, int gates, bool goBackwards)
    {
        Batch = batch;
        Steps = steps;
        Units = units;
        Width = gates * units;
        GoBackwards = goBackwards;
    }

    public int Batch { get; }

    public int Steps { get; }

    public int Units { get; }

    /// <summary>gates·units, the width of the projected inputs and of the recurrent kernel.</summary>
    public int Width { get; }

    public bool GoBackwards { get; }

    /// <summary>The input position processed at step k.</summary>
    public int Time(int k) => GoBackwards ? Steps - 1 - k : k;

    /// <summary>Whether sample b takes step t (mask (batch, steps), nonzero = take; no mask = always).</summary>
    public unsafe bool Keeps(float* mask, int b, int t) => mask is null || mask[(long)b * Steps + t] != 0f;
}
