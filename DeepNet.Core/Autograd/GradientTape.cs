#nullable enable
namespace DeepNet.Autograd;

/// <summary>
/// Records the differentiable ops run on this thread so gradients can be taken afterwards, as
/// TensorFlow's <c>tf.GradientTape</c> does:
/// <code>
/// using var scope = TensorScope.Begin();     // frees the step's tensors afterwards
/// using var tape = new GradientTape();
/// var loss = Ops.Mean(Ops.Square(Ops.Subtract(Ops.MatMul(x, w), y)));
/// Tensor[] grads = tape.Gradient(loss, w);  // d sum(loss) / d w
/// </code>
/// Every op from <see cref="Ops"/> run while the tape records is remembered (no Watch call is
/// needed). <see cref="Gradient(Tensor, Tensor[])"/> walks only the recorded ops that lead from
/// the sources to the target, in reverse order. The tensors the ops read and wrote must stay alive
/// until then (run the step inside a <see cref="Memory.TensorScope"/>). One tape records per
/// thread at a time; tapes do not nest and gradients of gradients are not supported.
/// </summary>
public sealed class GradientTape : IDisposable
{
    [ThreadStatic] private static GradientTape? t_current;

    private readonly List<TapeNode> _nodes = new();
    private readonly Thread _thread;
    private int _pauses;
    private bool _finished;   // a non-persistent tape after Gradient, or a disposed one

    /// <summary>
    /// Starts recording on this thread. With <paramref name="persistent"/> false (the default),
    /// the tape stops recording after the first <see cref="Gradient(Tensor, Tensor[])"/> call and
    /// cannot be asked again; with true it keeps recording and answers any number of calls.
    /// </summary>
    public GradientTape(bool persistent = false)
    {
        if (t_current is not null)
            throw new InvalidOperationException(
                "A GradientTape is already recording on this thread; tapes do not nest. Dispose the first tape " +
                "(or take its gradient) before starting another.");
        Persistent = persistent;
        _thread = Thread.CurrentThread;
        t_current = this;
    }

    public bool Persistent { get; }

    /// <summary>The ops recorded so far, in the order they ran.</summary>
    public IReadOnlyList<TapeNode> Nodes => _nodes;

    /// <summary>True while this tape records the ops of its thread.</summary>
    public bool IsActive => !_finished && _pauses == 0 && ReferenceEquals(t_current, this);

    /// <summary>True when an op run now on this thread would be recorded.</summary>
    public static bool IsRecording => t_current is { } tape && tape._pauses == 0;

    /// <summary>The tape recording on this thread, or null.</summary>
    public static GradientTape? Current => t_current;

    /// <summary>
    /// Remembers one op if a tape records on this thread. Ops call this after computing
    /// <paramref name="output"/>. A null <paramref name="backward"/> marks an op without a
    /// gradient rule: taking a gradient through it raises an error naming it.
    /// </summary>
    public static void Record(string op, Tensor output, Tensor[] inputs, GradientFunction? backward)
    {
        var tape = t_current;
        if (tape is null || tape._pauses != 0) return;
        tape._nodes.Add(new TapeNode(op, inputs, output, backward));
    }

    /// <summary>
    /// Pauses recording until the returned handle is disposed: ops run inside are constants to
    /// the tape (<c>using (tape.StopRecording()) { ... }</c>).
    /// </summary>
    public IDisposable StopRecording()
    {
        CheckThread();
        _pauses++;
        return new Pause(this);
    }

    /// <summary>
    /// Gradients of sum(<paramref name="target"/>) with respect to each source (the seed is a
    /// tensor of ones shaped like the target). A source the target does not depend on gets a
    /// tensor of zeros shaped like it, not null (TensorFlow returns None there; zeros let callers
    /// apply every gradient without checks). The returned tensors belong to the current
    /// <see cref="Memory.TensorScope"/> (or to the caller when there is none).
    /// </summary>
    public Tensor[] Gradient(Tensor target, params Tensor[] sources)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sources);
        CheckThread();
        if (_finished)
            throw new InvalidOperationException(
                "This GradientTape has already computed a gradient or was disposed. A non-persistent tape answers " +
                "one Gradient call; create it with new GradientTape(persistent: true) to ask several times.");
        if (target.DType != DType.Float32)
            throw new ArgumentException($"GradientTape.Gradient: the target must be float32, got {target.DType.Name()} with shape {target.Shape}.", nameof(target));
        for (int i = 0; i < sources.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(sources[i], $"sources[{i}]");
            if (sources[i].DType != DType.Float32)
                throw new ArgumentException($"GradientTape.Gradient: source {i} must be float32, got {sources[i].DType.Name()} with shape {sources[i].Shape}.", nameof(sources));
        }

        // The backward pass itself is never recorded.
        _pauses++;
        try
        {
            return Backpropagate(target, sources);
        }
        finally
        {
            _pauses--;
            if (!Persistent) Finish();
        }
    }

    /// <summary>Gradients with respect to a list of sources (e.g. a model's trainable variables); see <see cref="Gradient(Tensor, Tensor[])"/>.</summary>
    public Tensor[] Gradient(Tensor target, IReadOnlyList<Tensor> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var array = new Tensor[sources.Count];
        for (int i = 0; i < array.Length; i++) array[i] = sources[i];
        return Gradient(target, array);
    }

    private Tensor[] Backpropagate(Tensor target, Tensor[] sources)
    {
        var comparer = ReferenceEqualityComparer.Instance;

        // Forward sweep: which tensors depend on a source.
        var dependsOnSource = new HashSet<Tensor>(comparer);
        foreach (var s in sources) dependsOnSource.Add(s);
        var fromSource = new bool[_nodes.Count];
        for (int n = 0; n < _nodes.Count; n++)
        {
            foreach (var input in _nodes[n].Inputs)
            {
                if (dependsOnSource.Contains(input))
                {
                    fromSource[n] = true;
                    dependsOnSource.Add(_nodes[n].Output);
                    break;
                }
            }
        }

        // Backward sweep from the target, through nodes that also lead from a source.
        var gradients = new Dictionary<Tensor, Tensor>(comparer);
        var sourceSet = new HashSet<Tensor>(sources, comparer);
        gradients[target] = Tensor.Ones(target.Shape, target.Backend);
        for (int n = _nodes.Count - 1; n >= 0; n--)
        {
            if (!fromSource[n]) continue;
            var node = _nodes[n];
            if (!gradients.TryGetValue(node.Output, out var outputGradient)) continue;

            var wanted = new bool[node.Inputs.Count];
            for (int i = 0; i < wanted.Length; i++)
                wanted[i] = node.Inputs[i].DType == DType.Float32 && dependsOnSource.Contains(node.Inputs[i]);
            if (node.Backward is null)
                throw new InvalidOperationException(
                    $"GradientTape: op '{node.Op}' (output {node.Output.Shape}) has no gradient rule, but the target depends on a source through it. " +
                    "Wrap it in Ops.StopGradient or compute it under tape.StopRecording() if it should be a constant.");

            var inputGradients = node.Backward(outputGradient, wanted);
            if (inputGradients.Length != node.Inputs.Count)
                throw new InvalidOperationException($"GradientTape: the gradient rule of '{node.Op}' returned {inputGradients.Length} gradients for {node.Inputs.Count} inputs.");

            // The output's gradient is consumed unless the output is itself a requested source.
            if (!sourceSet.Contains(node.Output))
            {
                gradients.Remove(node.Output);
                outputGradient.Dispose();
            }

            for (int i = 0; i < inputGradients.Length; i++)
            {
                var g = inputGradients[i];
                if (g is null) continue;
                if (!wanted[i])
                {
                    g.Dispose();
                    continue;
                }
                var input = node.Inputs[i];
                if (g.Shape != input.Shape)
                    throw new InvalidOperationException($"GradientTape: the gradient rule of '{node.Op}' returned a gradient of shape {g.Shape} for input {i} of shape {input.Shape}.");
                if (gradients.TryGetValue(input, out var previous))
                {
                    // A tensor used more than once: its gradients add up.
                    gradients[input] = Ops.Add(previous, g);
                    previous.Dispose();
                    g.Dispose();
                }
                else
                {
                    gradients[input] = g;
                }
            }
        }

        var result = new Tensor[sources.Length];
        var handedOut = new HashSet<Tensor>(comparer);
        for (int i = 0; i < sources.Length; i++)
        {
            if (gradients.TryGetValue(sources[i], out var g))
            {
                // The same source listed twice gets two tensors, so each can be disposed on its own.
                result[i] = handedOut.Add(g) ? g : g.Reshape(g.Shape);
            }
            else
            {
                result[i] = Tensor.Zeros(sources[i].Shape, DType.Float32, sources[i].Backend);
            }
        }
        // Whatever was not handed out (e.g. the seed when the target ignores every source) is freed now.
        foreach (var g in gradients.Values)
        {
            if (!handedOut.Contains(g)) g.Dispose();
        }
        return result;
    }

    private void CheckThread()
    {
        if (!ReferenceEquals(Thread.CurrentThread, _thread))
            throw new InvalidOperationException("A GradientTape must be used on the thread that created it.");
    }

    private void Finish()
    {
        _finished = true;
        _nodes.Clear();
        if (ReferenceEquals(t_current, this)) t_current = null;
    }

    /// <summary>Stops recording and forgets the recorded ops (the tensors are not disposed here).</summary>
    public void Dispose()
    {
        if (_finished) return;
        if (ReferenceEquals(Thread.CurrentThread, _thread)) Finish();
        else
        {
            _finished = true;
            _nodes.Clear();
        }
    }

    private sealed class Pause(GradientTape tape) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            tape._pauses--;
        }
    }
}
