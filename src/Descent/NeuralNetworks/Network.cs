using System.Numerics;
using System.Numerics.Tensors;
using Descent.Numerics;
using Descent.Randomness;

namespace Descent.NeuralNetworks;

/// <summary>Settings shared by every <see cref="Network{T}"/>.</summary>
public sealed record NetworkOptions
{
    /// <summary>Names and weight layout (default PyTorch's).</summary>
    public NetworkConvention Convention { get; init; } = NetworkConvention.PyTorch;

    /// <summary>How linear weights are drawn (default He).</summary>
    public WeightInit WeightInit { get; init; } = WeightInit.He;

    /// <summary>The book's L2 penalty λ: the loss gains <c>½λ Σ‖W‖²</c> over the linear weights and each <c>∂L/∂W</c> gains <c>λW</c>.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Constants of batch-normalisation layers that do not name their own (default PyTorch's).</summary>
    public BatchNormOptions BatchNorm { get; init; } = BatchNormOptions.PyTorch;

    /// <summary>Fold a ReLU that follows a linear layer into it (one pass fewer each way; same numbers).</summary>
    public bool FuseRelu { get; init; } = true;

    /// <summary>How the linear layers' matrix products run: threads and arithmetic (default <see cref="GemmContext.Default"/>).</summary>
    public GemmContext Gemm { get; init; } = GemmContext.Default;

    /// <summary>Checks every setting.</summary>
    public void Validate()
    {
        Guard.NonNegative(WeightDecay, nameof(WeightDecay));
        ArgumentNullException.ThrowIfNull(BatchNorm, nameof(BatchNorm));
        ArgumentNullException.ThrowIfNull(Gemm, nameof(Gemm));
        BatchNorm.Validate();
    }
}

/// <summary>
/// A feed-forward classifier built from a layer list, trained with mean softmax cross-entropy. All trainable
/// tensors live in one flat value buffer and one flat gradient buffer (<see cref="Storage"/>), so an optimizer
/// over <see cref="Parameters"/> updates them in a single pass; forward and backward reuse preallocated
/// activations and allocate nothing after the first batch of a given size.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public class Network<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Layer<T>[] _layers;
    private readonly Parameter<T>[] _decayed;
    private readonly NamedArray<T>[] _buffers;
    private readonly NamedArray<long>[] _counters;
    private readonly SoftmaxWithLoss<T> _loss;

    /// <summary>Builds the network and draws its weights.</summary>
    /// <param name="layers">The layer list; it must start with a <see cref="LinearSpec"/>.</param>
    /// <param name="options">Settings; default PyTorch naming, He init, no weight decay.</param>
    /// <param name="random">The source of initial weights and dropout masks; default <see cref="SeededRandom"/> with seed 0.</param>
    /// <exception cref="ArgumentException">The list is empty, does not start with a linear layer, or its sizes do not chain.</exception>
    public Network(IEnumerable<LayerSpec> layers, NetworkOptions? options = null, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(layers);
        Options = options ?? new NetworkOptions();
        Options.Validate();
        Random = random ?? new SeededRandom(0);
        LayerSpec[] specs = [.. layers];
        Specs = specs;
        Storage = new FlatParameters<T>(Layout(specs, Options.Convention));
        var built = new List<Layer<T>>();
        var decayed = new List<Parameter<T>>();
        int linear = 0;
        int size = 0;
        for (int i = 0; i < specs.Length; i++)
        {
            switch (specs[i])
            {
                case LinearSpec l:
                    linear++;
                    var weight = Storage[Name(i, linear, "weight")];
                    bool fuse = Options.FuseRelu && i + 1 < specs.Length && specs[i + 1] is ActivationSpec { Function: Activation.Relu };
                    var layout = Options.Convention == NetworkConvention.Book ? WeightLayout.InputByOutput : WeightLayout.OutputByInput;
                    built.Add(new Affine<T>(weight, Storage[Name(i, linear, "bias")], layout, fuse, Options.Gemm));
                    Options.WeightInit.Fill(weight.Value.Span, l.Inputs, Random);
                    decayed.Add(weight);
                    size = l.Outputs;
                    if (fuse)
                    {
                        i++;
                    }

                    break;
                case BatchNormSpec b:
                    var gamma = Storage[Name(i, linear, "gamma")];
                    gamma.Value.Span.Fill(T.One);
                    int index = i;
                    int ordinal = linear;
                    built.Add(new BatchNorm<T>(gamma, Storage[Name(i, linear, "beta")], b.Options ?? Options.BatchNorm, s => Name(index, ordinal, s)));
                    break;
                case ActivationSpec a:
                    built.Add(a.Function switch
                    {
                        Activation.Relu => new Relu<T>(size),
                        Activation.Sigmoid => new Sigmoid<T>(size),
                        Activation.Tanh => new Tanh<T>(size),
                        _ => throw new ArgumentException($"Unknown activation {a.Function}.", nameof(layers)),
                    });
                    break;
                case DropoutSpec d:
                    built.Add(new Dropout<T>(size, d.Ratio, Random, d.Inverted));
                    break;
                default:
                    throw new ArgumentException($"Layer {i} ({specs[i]?.GetType().Name ?? "null"}) is not a supported layer.", nameof(layers));
            }
        }

        _layers = [.. built];
        _decayed = [.. decayed];
        _buffers = [.. _layers.SelectMany(l => l.Buffers)];
        _counters = [.. _layers.SelectMany(l => l.Counters)];
        _loss = new SoftmaxWithLoss<T>(OutputSize);
    }

    /// <summary>The settings.</summary>
    public NetworkOptions Options { get; }

    /// <summary>The layer list the network was built from.</summary>
    public IReadOnlyList<LayerSpec> Specs { get; }

    /// <summary>The layers as built (a ReLU after a linear layer may be fused into it).</summary>
    public IReadOnlyList<Layer<T>> Layers => _layers;

    /// <summary>The random source (initial weights, dropout masks).</summary>
    public IRandomSource Random { get; }

    /// <summary>The flat value and gradient buffers behind <see cref="Parameters"/>.</summary>
    public FlatParameters<T> Storage { get; }

    /// <summary>Every trainable tensor, adjacent slices of <see cref="Storage"/>: hand these to an optimizer.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => Storage.Parameters;

    /// <summary>Non-trainable state (running statistics), by name.</summary>
    public IReadOnlyList<NamedArray<T>> Buffers => _buffers;

    /// <summary>Integer state (<c>num_batches_tracked</c>), by name.</summary>
    public IReadOnlyList<NamedArray<long>> Counters => _counters;

    /// <summary>
    /// The softmax of the last loss evaluation (<see cref="Loss(ReadOnlyMemory{T}, int, ReadOnlySpan{int}, bool)"/> or
    /// <see cref="ComputeGradients(ReadOnlyMemory{T}, int, ReadOnlySpan{int})"/>), row-major <c>batch × OutputSize</c>:
    /// lets a caller record another loss formula of the very forward pass that produced the gradients (the book's
    /// <c>−log(p + 1e-7)</c>) without a second pass, which would redraw dropout masks and move running statistics.
    /// </summary>
    public ReadOnlySpan<T> Probabilities => _loss.Probabilities;

    /// <summary>Features per example going in.</summary>
    public int InputSize => _layers[0].InputSize;

    /// <summary>Classes (logits per example).</summary>
    public int OutputSize => _layers[^1].OutputSize;

    /// <summary>The logits of a batch.</summary>
    /// <param name="inputs">Row-major <c>batch × InputSize</c>.</param>
    /// <param name="batch">Rows.</param>
    /// <param name="training">Training mode (batch statistics, dropout); default evaluation.</param>
    /// <returns>Row-major <c>batch × OutputSize</c>, valid until the next forward pass.</returns>
    public ReadOnlyMemory<T> Predict(ReadOnlyMemory<T> inputs, int batch, bool training = false)
    {
        var x = inputs;
        foreach (var layer in _layers)
        {
            x = layer.Forward(x, batch, training);
        }

        return x;
    }

    /// <summary>Mean cross-entropy of integer labels plus the weight-decay term.</summary>
    /// <param name="inputs">Row-major <c>batch × InputSize</c>.</param>
    /// <param name="batch">Rows.</param>
    /// <param name="labels">Class per row.</param>
    /// <param name="training">Training mode; default evaluation, like the book's <c>loss</c>.</param>
    /// <returns>The loss.</returns>
    public T Loss(ReadOnlyMemory<T> inputs, int batch, ReadOnlySpan<int> labels, bool training = false) =>
        _loss.Forward(Predict(inputs, batch, training).Span, batch, labels) + DecayPenalty();

    /// <summary>Mean cross-entropy of target distributions (one-hot rows) plus the weight-decay term.</summary>
    /// <param name="inputs">Row-major <c>batch × InputSize</c>.</param>
    /// <param name="batch">Rows.</param>
    /// <param name="targets">Row-major <c>batch × OutputSize</c>.</param>
    /// <param name="training">Training mode; default evaluation.</param>
    /// <returns>The loss.</returns>
    public T Loss(ReadOnlyMemory<T> inputs, int batch, ReadOnlySpan<T> targets, bool training = false) =>
        _loss.Forward(Predict(inputs, batch, training).Span, batch, targets) + DecayPenalty();

    /// <summary>
    /// One training-mode forward and backward pass: fills every parameter's gradient (overwriting it) and
    /// returns the loss, weight-decay term included.
    /// </summary>
    /// <param name="inputs">Row-major <c>batch × InputSize</c>.</param>
    /// <param name="batch">Rows.</param>
    /// <param name="labels">Class per row.</param>
    /// <returns>The loss before the update.</returns>
    public T ComputeGradients(ReadOnlyMemory<T> inputs, int batch, ReadOnlySpan<int> labels)
    {
        T loss = Loss(inputs, batch, labels, training: true);
        Backpropagate();
        return loss;
    }

    /// <summary>As <see cref="ComputeGradients(ReadOnlyMemory{T}, int, ReadOnlySpan{int})"/> with target distributions.</summary>
    /// <param name="inputs">Row-major <c>batch × InputSize</c>.</param>
    /// <param name="batch">Rows.</param>
    /// <param name="targets">Row-major <c>batch × OutputSize</c>.</param>
    /// <returns>The loss before the update.</returns>
    public T ComputeGradients(ReadOnlyMemory<T> inputs, int batch, ReadOnlySpan<T> targets)
    {
        T loss = Loss(inputs, batch, targets, training: true);
        Backpropagate();
        return loss;
    }

    /// <summary>Fraction of rows whose largest logit is the label (evaluation mode).</summary>
    /// <param name="inputs">Row-major <c>batch × InputSize</c>.</param>
    /// <param name="batch">Rows.</param>
    /// <param name="labels">Class per row.</param>
    /// <returns>Accuracy in [0, 1].</returns>
    public double Accuracy(ReadOnlyMemory<T> inputs, int batch, ReadOnlySpan<int> labels)
    {
        if (labels.Length != batch)
        {
            throw new ArgumentException($"Got {labels.Length} labels for a batch of {batch}.", nameof(labels));
        }

        var logits = Predict(inputs, batch).Span;
        int correct = 0;
        for (int r = 0; r < batch; r++)
        {
            if (ArgMax(logits.Slice(r * OutputSize, OutputSize)) == labels[r])
            {
                correct++;
            }
        }

        return (double)correct / batch;
    }

    // First index of the largest value (a NaN counts as largest, like TensorPrimitives.IndexOfMax). A plain loop:
    // the vectorized IndexOfMax carries indices in float lanes and returns 0 while flush-to-zero is on.
    private static int ArgMax(ReadOnlySpan<T> row)
    {
        int best = 0;
        for (int j = 0; j < row.Length; j++)
        {
            if (T.IsNaN(row[j]))
            {
                return j;
            }

            if (row[j] > row[best])
            {
                best = j;
            }
        }

        return best;
    }

    /// <summary>
    /// A copy of every tensor as PyTorch's <c>state_dict</c> would list it: parameters, running statistics and
    /// counters, in double, flattened row-major.
    /// </summary>
    /// <returns>Name → values.</returns>
    public Dictionary<string, double[]> StateDict()
    {
        var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var p in Parameters)
        {
            result[p.Name] = ToDouble(p.Value.Span);
        }

        foreach (var b in _buffers)
        {
            result[b.Name] = ToDouble(b.Values);
        }

        foreach (var c in _counters)
        {
            result[c.Name] = Array.ConvertAll(c.Values, v => (double)v);
        }

        return result;
    }

    /// <summary>
    /// Sets every tensor from a <c>state_dict</c> (e.g. PyTorch's, or <see cref="StateDict"/>'s). Names and lengths are
    /// all checked first: on error nothing has changed.
    /// </summary>
    /// <param name="state">Name → values; must name exactly this network's tensors.</param>
    /// <exception cref="ArgumentException">A tensor is missing, unknown, or has the wrong length.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, double[]> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var expected = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in Parameters)
        {
            expected[p.Name] = p.Length;
        }

        foreach (var b in _buffers)
        {
            expected[b.Name] = b.Values.Length;
        }

        foreach (var c in _counters)
        {
            expected[c.Name] = c.Values.Length;
        }

        var unknown = state.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        var missing = expected.Keys.Where(k => !state.ContainsKey(k)).ToList();
        if (unknown.Count > 0 || missing.Count > 0)
        {
            throw new ArgumentException(
                $"The state does not fit this network: missing [{string.Join(", ", missing)}], unknown [{string.Join(", ", unknown)}].",
                nameof(state));
        }

        foreach (var (name, length) in expected)
        {
            if (state[name] is not { } values || values.Length != length)
            {
                throw new ArgumentException($"Tensor '{name}' has {state[name]?.Length ?? 0} values; this network's has {length}.", nameof(state));
            }
        }

        foreach (var p in Parameters)
        {
            FromDouble(state[p.Name], p.Value.Span);
        }

        foreach (var b in _buffers)
        {
            FromDouble(state[b.Name], b.Values);
        }

        foreach (var c in _counters)
        {
            double[] values = state[c.Name];
            for (int i = 0; i < values.Length; i++)
            {
                c.Values[i] = (long)values[i];
            }
        }
    }

    private static double[] ToDouble(ReadOnlySpan<T> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = double.CreateTruncating(values[i]);
        }

        return result;
    }

    private static void FromDouble(ReadOnlySpan<double> values, Span<T> destination)
    {
        for (int i = 0; i < values.Length; i++)
        {
            destination[i] = T.CreateTruncating(values[i]);
        }
    }

    private void Backpropagate()
    {
        var delta = _loss.Backward();
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            delta = _layers[i].Backward(delta, computeInputGradient: i > 0);
        }

        if (Options.WeightDecay != 0)
        {
            T lambda = T.CreateTruncating(Options.WeightDecay);
            foreach (var w in _decayed)
            {
                // ∂(½λ‖W‖²)/∂W = λW.
                TensorPrimitives.MultiplyAdd(w.Value.Span, lambda, w.Gradient.Span, w.Gradient.Span);
            }
        }
    }

    private T DecayPenalty()
    {
        if (Options.WeightDecay == 0)
        {
            return T.Zero;
        }

        T half = T.CreateTruncating(0.5 * Options.WeightDecay);
        T penalty = T.Zero;
        foreach (var w in _decayed)
        {
            penalty += half * TensorPrimitives.SumOfSquares<T>(w.Value.Span);
        }

        return penalty;
    }

    private string Name(int index, int linearOrdinal, string local) => Options.Convention == NetworkConvention.PyTorch
        ? $"{index}.{local switch { "gamma" => "weight", "beta" => "bias", _ => local }}"
        : local switch
        {
            "weight" => $"W{linearOrdinal}",
            "bias" => $"b{linearOrdinal}",
            _ => $"{local}{linearOrdinal}",
        };

    private List<(string Name, int[] Shape)> Layout(LayerSpec[] specs, NetworkConvention convention)
    {
        if (specs.Length == 0 || specs[0] is not LinearSpec)
        {
            throw new ArgumentException("The layer list must start with a LinearSpec (it fixes the input size).", nameof(specs));
        }

        var result = new List<(string Name, int[] Shape)>();
        int linear = 0;
        int size = 0;
        for (int i = 0; i < specs.Length; i++)
        {
            switch (specs[i])
            {
                case LinearSpec l:
                    if (l.Inputs < 1 || l.Outputs < 1)
                    {
                        throw new ArgumentException($"Layer {i}: a linear layer needs ≥ 1 input and output; got {l.Inputs} → {l.Outputs}.", nameof(specs));
                    }

                    if (linear > 0 && l.Inputs != size)
                    {
                        throw new ArgumentException($"Layer {i}: a linear layer with {l.Inputs} inputs follows {size} features.", nameof(specs));
                    }

                    linear++;
                    result.Add((Name(i, linear, "weight"), convention == NetworkConvention.Book ? [l.Inputs, l.Outputs] : [l.Outputs, l.Inputs]));
                    result.Add((Name(i, linear, "bias"), [l.Outputs]));
                    size = l.Outputs;
                    break;
                case BatchNormSpec:
                    result.Add((Name(i, linear, "gamma"), [size]));
                    result.Add((Name(i, linear, "beta"), [size]));
                    break;
                case null:
                    throw new ArgumentException($"Layer {i} is null.", nameof(specs));
            }
        }

        return result;
    }
}
