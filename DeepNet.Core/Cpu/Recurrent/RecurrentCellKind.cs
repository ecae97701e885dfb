#nullable enable
namespace DeepNet.Backends.Cpu.Recurrent;

/// <summary>Which recurrence a fused sequence runs (Keras LSTM, or GRU in one of its two forms).</summary>
internal enum RecurrentCellKind
{
    Lstm,
    GruResetAfter,
    GruResetBefore,
}
