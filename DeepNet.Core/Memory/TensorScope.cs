#nullable enable
namespace DeepNet.Memory;

/// <summary>
/// Releases every tensor created inside it when it ends, except the ones kept. A training step
/// runs in one scope, so activations, gradients and temporaries go back to the allocator at the
/// end of the step instead of waiting for the garbage collector.
/// <code>
/// using (var scope = TensorScope.Begin())
/// {
///     var loss = ...;              // released at the end of the block
///     result = scope.Keep(output); // survives, owned by the enclosing scope (or the caller)
/// }
/// </code>
/// Scopes nest per thread. Tensors created outside any scope belong to the caller, who disposes them.
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? t_current;

    private readonly TensorScope? _outer;
    private readonly List<Tensor> _owned = new();
    private bool _disposed;

    private TensorScope(TensorScope? outer) => _outer = outer;

    /// <summary>The innermost scope of this thread, or null.</summary>
    public static TensorScope? Current => t_current;

    /// <summary>Opens a scope nested in the current one.</summary>
    public static TensorScope Begin()
    {
        var scope = new TensorScope(t_current);
        t_current = scope;
        return scope;
    }

    /// <summary>Number of tensors this scope will release.</summary>
    public int Count => _owned.Count;

    internal static void Register(Tensor tensor) => t_current?._owned.Add(tensor);

    /// <summary>
    /// Takes <paramref name="tensor"/> out of this scope and hands it to the enclosing scope, or to
    /// the caller when there is none. Returns the tensor for chaining.
    /// </summary>
    public Tensor Keep(Tensor tensor)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int index = _owned.LastIndexOf(tensor);
        if (index >= 0)
        {
            _owned.RemoveAt(index);
            _outer?._owned.Add(tensor);
        }
        return tensor;
    }

    /// <summary>Keeps several tensors; see <see cref="Keep(Tensor)"/>.</summary>
    public void Keep(IEnumerable<Tensor> tensors)
    {
        foreach (var t in tensors) Keep(t);
    }

    /// <summary>Takes the tensor out of every scope: the caller now owns it and disposes it.</summary>
    public static Tensor Detach(Tensor tensor)
    {
        for (var s = t_current; s is not null; s = s._outer)
        {
            int index = s._owned.LastIndexOf(tensor);
            if (index >= 0)
            {
                s._owned.RemoveAt(index);
                break;
            }
        }
        return tensor;
    }

    public void Dispose()
    {
        if (_disposed) return;
        if (!ReferenceEquals(t_current, this))
            throw new InvalidOperationException("Tensor scopes must end in the reverse order they began (on the same thread).");
        _disposed = true;
        t_current = _outer;
        foreach (var t in _owned) t.Dispose();
        _owned.Clear();
    }
}
