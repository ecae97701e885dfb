namespace DeepNet.Keras.Layers;

/// <summary>
/// The TensorFlow functions a tf.keras <see cref="TFOpLambda"/> layer may name (its config's
/// <c>function</c>, the TF API path without "tf."), each bound by TensorFlow's own parameter
/// names and positions (e.g. <c>math.reduce_mean(input_tensor, axis, keepdims)</c>) and run with
/// DeepNet's ops. Operands may be tensors or Python numbers, as in TF.
/// </summary>
internal static class TFOpFunctions
{
    private static readonly Dictionary<string, Func<TFOpArguments, Tensor>> s_functions = new(StringComparer.Ordinal)
    {
        // Python operators on Keras tensors, and their tf.math functions.
        ["__operators__.add"] = a => Arithmetic(a, Ops.Add, Ops.Add, Ops.Add),
        ["math.add"] = a => Arithmetic(a, Ops.Add, Ops.Add, Ops.Add),
        ["math.subtract"] = a => Arithmetic(a, Ops.Subtract, Ops.Subtract, Ops.Subtract),
        ["math.multiply"] = a => Arithmetic(a, Ops.Multiply, Ops.Multiply, Ops.Multiply),
        ["math.truediv"] = a => Arithmetic(a, Ops.Divide, Ops.Divide, Ops.Divide),
        ["math.divide"] = a => Arithmetic(a, Ops.Divide, Ops.Divide, Ops.Divide),
        ["math.maximum"] = a => Arithmetic(a, Ops.Maximum, Ops.Maximum, (v, t) => Ops.Maximum(t, v)),
        ["math.minimum"] = a => Arithmetic(a, Ops.Minimum, Ops.Minimum, (v, t) => Ops.Minimum(t, v)),
        ["math.pow"] = a => Ops.Pow(a.Operand(0, "x"), a.Number(1, "y") ?? throw new NotSupportedException("TFOpLambda tf.math.pow: only a number exponent is supported.")),
        ["math.negative"] = a => Ops.Negate(a.Operand(0, "x")),
        // Elementwise functions.
        ["math.abs"] = a => Ops.Abs(a.Operand(0, "x")),
        ["math.square"] = a => Ops.Square(a.Operand(0, "x")),
        ["math.sqrt"] = a => Ops.Sqrt(a.Operand(0, "x")),
        ["math.rsqrt"] = a => Ops.Rsqrt(a.Operand(0, "x")),
        ["math.exp"] = a => Ops.Exp(a.Operand(0, "x")),
        ["math.log"] = a => Ops.Log(a.Operand(0, "x")),
        ["math.sigmoid"] = a => Ops.Sigmoid(a.Operand(0, "x")),
        ["math.tanh"] = a => Ops.Tanh(a.Operand(0, "x")),
        ["nn.relu"] = a => Ops.Relu(a.Operand(0, "features")),
        ["nn.softmax"] = a => Ops.Softmax(a.Operand(0, "logits"), a.Int(1, "axis") ?? -1),
        // Comparisons give 0/1 (DeepNet's bool).
        ["math.equal"] = a => Compare(a, Ops.Equal),
        ["math.not_equal"] = a => Compare(a, Ops.NotEqual),
        ["math.greater"] = a => Compare(a, Ops.Greater),
        ["math.less"] = a => Compare(a, Ops.Less),
        // Reductions.
        ["math.reduce_mean"] = a => Ops.Mean(a.Operand(0, "input_tensor"), a.Axes(1, "axis"), a.Bool(2, "keepdims", false)),
        ["math.reduce_sum"] = a => Ops.Sum(a.Operand(0, "input_tensor"), a.Axes(1, "axis"), a.Bool(2, "keepdims", false)),
        ["math.reduce_max"] = a => Ops.Max(a.Operand(0, "input_tensor"), a.Axes(1, "axis"), a.Bool(2, "keepdims", false)),
        ["math.reduce_min"] = a => Ops.Min(a.Operand(0, "input_tensor"), a.Axes(1, "axis"), a.Bool(2, "keepdims", false)),
        // Layout and types.
        ["reshape"] = a => Ops.Reshape(a.Operand(0, "tensor"), a.Ints(1, "shape")),
        ["expand_dims"] = a => Ops.ExpandDims(a.Operand(0, "input"), a.Int(1, "axis") ?? throw new ArgumentException("TFOpLambda tf.expand_dims needs an int axis.")),
        ["transpose"] = Transpose,
        ["compat.v1.transpose"] = Transpose,
        ["concat"] = a => Ops.Concat(a.TensorList(0, "values"), a.Int(1, "axis") ?? throw new ArgumentException("TFOpLambda tf.concat needs an int axis.")),
        ["cast"] = a => Cast(a.Operand(0, "x"), a.String(1, "dtype")),
        // x[...] (a SlicingOpLambda layer).
        ["__operators__.getitem"] = a => TFSlicing.GetItem(a.Operand(0, "tensor"), a.Raw(1, "slice_spec")),
    };

    /// <summary>The supported function names, for error messages.</summary>
    public static IEnumerable<string> Names => s_functions.Keys.Order(StringComparer.Ordinal);

    public static bool IsSupported(string function) => s_functions.ContainsKey(function);

    public static Tensor Run(string function, TFOpArguments arguments) =>
        s_functions.TryGetValue(function, out var run) ? run(arguments)
        : throw new NotSupportedException($"TFOpLambda: tf.{function} is not supported. Supported: {string.Join(", ", Names)}.");

    private static Tensor Arithmetic(TFOpArguments a, Func<Tensor, Tensor, Tensor> both, Func<Tensor, float, Tensor> tensorNumber, Func<float, Tensor, Tensor> numberTensor)
    {
        float? x = a.Number(0, "x"), y = a.Number(1, "y");
        return (x, y) switch
        {
            (null, null) => both(a.Operand(0, "x"), a.Operand(1, "y")),
            (null, float b) => tensorNumber(a.Operand(0, "x"), b),
            (float c, null) => numberTensor(c, a.Operand(1, "y")),
            _ => throw new NotSupportedException("TFOpLambda: an op on two numbers has no tensor input."),
        };
    }

    private static Tensor Compare(TFOpArguments a, Func<Tensor, Tensor, Tensor> compare)
    {
        // A number operand becomes a scalar on the other operand's backend.
        float? x = a.Number(0, "x"), y = a.Number(1, "y");
        if (x is float c) { var t = a.Operand(1, "y"); return compare(Tensor.Full(Shape.Scalar, c, t.Backend), t); }
        if (y is float d) { var t = a.Operand(0, "x"); return compare(t, Tensor.Full(Shape.Scalar, d, t.Backend)); }
        return compare(a.Operand(0, "x"), a.Operand(1, "y"));
    }

    private static Tensor Transpose(TFOpArguments a)
    {
        var x = a.Operand(0, "a");
        // perm=None reverses the axes, as tf.transpose does.
        var perm = a.Axes(1, "perm") ?? Enumerable.Range(0, x.Shape.Rank).Reverse().ToArray();
        return Ops.Transpose(x, perm);
    }

    private static Tensor Cast(Tensor x, string dtype) => dtype switch
    {
        "float16" or "bfloat16" or "float32" or "float64" => x.DType == DType.Float32 ? x : Ops.Cast(x, DType.Float32),
        "int8" or "int16" or "int32" or "uint8" or "uint16" => x.DType == DType.Int32 ? x : Ops.Cast(x, DType.Int32),
        "int64" or "uint32" => x.DType == DType.Int64 ? x : Ops.Cast(x, DType.Int64),
        // bool tensors are float32 0/1 in DeepNet.
        "bool" => Ops.NotEqual(x.DType == DType.Float32 ? x : Ops.Cast(x, DType.Float32), Tensor.Full(Shape.Scalar, 0f, x.Backend)),
        _ => throw new NotSupportedException($"TFOpLambda tf.cast: dtype {dtype} is not supported."),
    };
}
