// A tiny Transformer classifier after Keras's "text classification with Transformer" example:
// TokenAndPositionEmbedding → one encoder block (MultiHeadAttention, residual + LayerNormalization,
// feed-forward, residual + LayerNormalization) → GlobalAveragePooling1D → Dense softmax; Adam.
// The data is generated: sequences of tokens labelled 1 when the first token appears again later
// in the sequence. The answer depends on comparing tokens at two positions, which a model that
// pools per-position features without attention cannot do.
using System.CommandLine;
using DeepNet;
using DeepNet.Examples;
using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Optimizers;

const int vocabulary = 8, length = 8, embedDim = 32, numHeads = 2, ffDim = 64;

var options = new ExampleOptions(epochs: 10, batchSize: 32, seedAlso: "also seeds the generated data");
var trainSamplesOption = new Option<int>("--train-samples") { Description = "Generated training sequences.", DefaultValueFactory = _ => 4000 };
var testSamplesOption = new Option<int>("--test-samples") { Description = "Generated test sequences.", DefaultValueFactory = _ => 1000 };
var root = options.Command("Tiny Transformer: TokenAndPositionEmbedding, MultiHeadAttention encoder block, GlobalAveragePooling1D, Dense softmax; Adam.",
    trainSamplesOption, testSamplesOption);
root.SetAction(parse =>
{
    int seed = options.Apply(parse, defaultSeed: 1);
    var (xTrain, yTrain) = Generate(parse.GetValue(trainSamplesOption), seed);
    var (xTest, yTest) = Generate(parse.GetValue(testSamplesOption), seed + 1000);
    Console.WriteLine($"{xTrain.Shape[0]} train sequences");
    Console.WriteLine($"{xTest.Shape[0]} test sequences");

    var inputs = KerasApi.Input([length]);
    var x = new TokenAndPositionEmbedding(vocabulary, length, embedDim).Apply(inputs);
    // Encoder block (Keras's TransformerBlock): post-norm residuals around attention and feed-forward.
    var attention = new MultiHeadAttention(numHeads, keyDim: embedDim).Apply(x, x);
    attention = new Dropout(0.1f).Apply(attention);
    x = new LayerNormalization(epsilon: 1e-6f).Apply(new Add().Apply(x, attention));
    var ff = new Dense(ffDim, activation: "relu").Apply(x);
    ff = new Dense(embedDim).Apply(ff);
    ff = new Dropout(0.1f).Apply(ff);
    x = new LayerNormalization(epsilon: 1e-6f).Apply(new Add().Apply(x, ff));
    x = new GlobalAveragePooling1D().Apply(x);
    var outputs = new Dense(2, activation: "softmax").Apply(x);
    var model = new Model([inputs], [outputs], name: "text_transformer");
    model.Summary();

    model.Compile(loss: "sparse_categorical_crossentropy", optimizer: new Adam(), metrics: ["accuracy"]);
    model.Fit(xTrain, yTrain, batchSize: parse.GetValue(options.BatchSize), epochs: parse.GetValue(options.Epochs), verbose: 2, validationData: (xTest, yTest));
    var score = model.Evaluate(xTest, yTest, verbose: 0);
    Console.WriteLine($"test_loss: {score["loss"]:F4} - test_accuracy: {score["accuracy"]:F4}");
    return 0;
});
return root.Parse(args).Invoke();

// n sequences of `length` tokens in 1..vocabulary-1 (0 is left for padding). Labels alternate, so
// the classes are balanced: label 1 puts one more copy of the first token at a random later
// position; every other token differs from the first.
static (Tensor X, Tensor Y) Generate(int n, int seed)
{
    var rng = new Random(seed);
    var x = new float[n * length];
    var y = new float[n];
    for (int i = 0; i < n; i++)
    {
        int label = i % 2;
        int first = rng.Next(1, vocabulary);
        x[i * length] = first;
        for (int p = 1; p < length; p++)
        {
            int token = rng.Next(1, vocabulary - 1);
            x[i * length + p] = token >= first ? token + 1 : token;   // any token but the first
        }
        if (label == 1) x[i * length + rng.Next(1, length)] = first;
        y[i] = label;
    }
    return (Tensor.FromArray(x, new Shape(n, length)), Tensor.FromArray(y, new Shape(n)));
}
