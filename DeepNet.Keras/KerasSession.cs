using DeepNet.Keras.Utils;

namespace DeepNet.Keras;

/// <summary>Process-wide Keras state (Keras <c>keras.backend</c> session functions).</summary>
public static class KerasSession
{
    /// <summary>
    /// Resets the default-name counters (<c>keras.backend.clear_session()</c>): the next Dense is
    /// named <c>dense</c> again.
    /// </summary>
    public static void ClearSession() => UniqueNames.Reset();
}
