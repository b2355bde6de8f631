using System.Numerics;
using System.Numerics.Tensors;
using Descent.Numerics;

namespace Descent.NeuralNetworks;

/// <summary>How an <see cref="Affine{T}"/> layer stores its weight matrix.</summary>
public enum WeightLayout
{
    /// <summary>The book's <c>W</c>: <c>in × out</c>, <c>y = x·W + b</c>.</summary>
    InputByOutput,

    /// <summary>PyTorch's <c>Linear.weight</c>: <c>out × in</c>, <c>y = x·Wᵀ + b</c>.</summary>
    OutputByInput,
}

/// <summary>
/// The fully connected layer <c>y = x·W + b</c> (the book's Affine, PyTorch's Linear), optionally with
/// a ReLU fused into the bias pass so the activations are written once.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Affine<T> : Layer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] _parameters;
    private readonly int _in;
    private readonly int _out;
    private T[] _fusedGradient = [];

    /// <summary>Creates the layer over existing weight and bias storage (e.g. slices of a network's flat buffer).</summary>
    /// <param name="weight">Shape <c>[in, out]</c> for <see cref="WeightLayout.InputByOutput"/>, <c>[out, in]</c> otherwise.</param>
    /// <param name="bias">Shape <c>[out]</c>.</param>
    /// <param name="layout">How <paramref name="weight"/> is stored.</param>
    /// <param name="fuseRelu">Apply <c>max(0, ·)</c> to the output (and its derivative in backward).</param>
    /// <param name="gemm">How its matrix products run (default <see cref="GemmContext.Default"/>).</param>
    /// <exception cref="ArgumentException">The shapes do not fit together.</exception>
    public Affine(Parameter<T> weight, Parameter<T> bias, WeightLayout layout = WeightLayout.InputByOutput, bool fuseRelu = false, GemmContext? gemm = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        if (weight.Shape.Count != 2)
        {
            throw new ArgumentException($"Weight '{weight.Name}' must be a matrix; its shape is [{string.Join(", ", weight.Shape)}].", nameof(weight));
        }

        (_in, _out) = layout == WeightLayout.InputByOutput ? (weight.Shape[0], weight.Shape[1]) : (weight.Shape[1], weight.Shape[0]);
        if (bias.Length != _out)
        {
            throw new ArgumentException($"Bias '{bias.Name}' has {bias.Length} values; weight '{weight.Name}' ({layout}) has {_out} outputs.", nameof(bias));
        }

        Weight = weight;
        Bias = bias;
        Layout = layout;
        FusedRelu = fuseRelu;
        Gemm = gemm ?? GemmContext.Default;
        _parameters = [weight, bias];
    }

    /// <summary>Creates a standalone layer with its own zeroed storage.</summary>
    /// <param name="inputs">Input features.</param>
    /// <param name="outputs">Output features.</param>
    /// <param name="layout">Weight layout.</param>
    /// <returns>The layer; fill <see cref="Weight"/> before use.</returns>
    public static Affine<T> Create(int inputs, int outputs, WeightLayout layout = WeightLayout.InputByOutput)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        int[] shape = layout == WeightLayout.InputByOutput ? [inputs, outputs] : [outputs, inputs];
        return new Affine<T>(new Parameter<T>("W", new T[inputs * outputs], shape), new Parameter<T>("b", new T[outputs]), layout);
    }

    /// <summary>The weight matrix.</summary>
    public Parameter<T> Weight { get; }

    /// <summary>The bias vector.</summary>
    public Parameter<T> Bias { get; }

    /// <summary>How <see cref="Weight"/> is stored.</summary>
    public WeightLayout Layout { get; }

    /// <summary>Whether a ReLU is fused into the output.</summary>
    public bool FusedRelu { get; }

    /// <summary>How its matrix products run.</summary>
    public GemmContext Gemm { get; }

    /// <inheritdoc/>
    public override int InputSize => _in;

    /// <inheritdoc/>
    public override int OutputSize => _out;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <inheritdoc/>
    protected override ReadOnlyMemory<T> ForwardCore(ReadOnlySpan<T> input, int batch, bool training)
    {
        var output = OutputBuffer(batch * _out);
        var y = output.Span;
        Numerics.Gemm.Multiply(input, Weight.Value.Span, y, batch, _in, _out, false, Layout == WeightLayout.OutputByInput, T.One, T.Zero, Gemm);
        ReadOnlySpan<T> b = Bias.Value.Span;
        for (int r = 0; r < batch; r++)
        {
            var row = y.Slice(r * _out, _out);
            TensorPrimitives.Add(row, b, row);
            if (FusedRelu)
            {
                Activations.ReluForward(row, row);
            }
        }

        return output;
    }

    // y = x·W + b  ⇒  ∂L/∂W = xᵀ·δ, ∂L/∂b = Σ_rows δ, ∂L/∂x = δ·Wᵀ (δ = ∂L/∂y, masked by y > 0 when ReLU is fused).
    /// <inheritdoc/>
    protected override ReadOnlyMemory<T> BackwardCore(ReadOnlySpan<T> outputGradient, bool computeInputGradient)
    {
        int batch = Batch;
        ReadOnlySpan<T> delta = outputGradient;
        if (FusedRelu)
        {
            var masked = Grow(ref _fusedGradient, batch * _out).Span;
            Activations.ReluBackward(OutputBuffer(batch * _out).Span, outputGradient, masked);
            delta = masked;
        }

        ReadOnlySpan<T> x = Input.Span;
        if (Layout == WeightLayout.InputByOutput)
        {
            Numerics.Gemm.Multiply(x, delta, Weight.Gradient.Span, _in, batch, _out, true, false, T.One, T.Zero, Gemm);
        }
        else
        {
            Numerics.Gemm.Multiply(delta, x, Weight.Gradient.Span, _out, batch, _in, true, false, T.One, T.Zero, Gemm);
        }

        var db = Bias.Gradient.Span;
        delta[.._out].CopyTo(db);
        for (int r = 1; r < batch; r++)
        {
            TensorPrimitives.Add(db, delta.Slice(r * _out, _out), db);
        }

        if (!computeInputGradient)
        {
            return ReadOnlyMemory<T>.Empty;
        }

        var dx = InputGradientBuffer(batch * _in);
        Numerics.Gemm.Multiply(delta, Weight.Value.Span, dx.Span, batch, _out, _in, false, Layout == WeightLayout.InputByOutput, T.One, T.Zero, Gemm);
        return dx;
    }
}
