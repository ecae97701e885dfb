using DeepNet.Autograd;

namespace DeepNet.Keras.Engine;

/// <summary>Pauses the current gradient tape, if any: what runs inside is a constant to it.</summary>
internal static class NoTape
{
    public static IDisposable? Begin() => GradientTape.Current?.StopRecording();
}
