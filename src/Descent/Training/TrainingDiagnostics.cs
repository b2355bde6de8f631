using System.Numerics;
using System.Numerics.Tensors;
using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Pipeline;

namespace Descent.Training;

/// <summary>
/// What <see cref="TrainingDiagnostics{T}"/> measured at one logged step; the arrays hold one value per layer, in the
/// order of <see cref="TrainingDiagnostics{T}.Layers"/>.
/// </summary>
/// <param name="Index">The 0-based index of the step (as in a loss curve).</param>
/// <param name="GradientNorm">‖g‖ of the layer's gradients before the update (before clipping).</param>
/// <param name="UpdateNorm">‖θ_after − θ_before‖: the step the update actually took.</param>
/// <param name="UpdateRatio">‖θ_after − θ_before‖ / ‖θ_before‖, the update-to-weight RMS ratio.</param>
/// <param name="StepP10">10th percentile of the per-element effective step over the layer; null when the optimizer has none.</param>
/// <param name="StepP50">Its median.</param>
/// <param name="StepP90">Its 90th percentile.</param>
/// <param name="NonFiniteFraction">Steps whose gradients the pipeline skipped as non-finite, as a fraction of the steps since the previous sample.</param>
/// <param name="ClippedFraction">Steps whose gradients the pipeline clipped, as a fraction of the same steps.</param>
public sealed record DiagnosticsSample(
    long Index,
    double[] GradientNorm,
    double[] UpdateNorm,
    double[] UpdateRatio,
    double[]? StepP10,
    double[]? StepP50,
    double[]? StepP90,
    double NonFiniteFraction,
    double ClippedFraction);

/// <summary>The logging interval <see cref="TrainingDiagnostics{T}"/> is given by default.</summary>
public static class TrainingDiagnostics
{
    /// <summary>
    /// The interval that logs about 50 samples over <paramref name="steps"/> steps, but at most every 25th step. A sample
    /// costs about one training iteration of the book network (the effective steps of every parameter, a copy of the
    /// weights, norms), so this keeps recording near 3 % of training; every 20th step measured 5.5 % (see the README).
    /// </summary>
    /// <param name="steps">The run's length.</param>
    /// <returns>max(25, ⌈steps / 50⌉).</returns>
    public static int DefaultInterval(long steps) => (int)Math.Clamp((steps + 49) / 50, 25, int.MaxValue);
}

/// <summary>
/// Watches a <see cref="TrainingLoop{T}"/> and, every <see cref="Every"/> steps (the first included), records per layer
/// the gradient norm, the norm of the update and its ratio to the weights, the 10/50/90 % quantiles of the optimizer's
/// per-element effective step (<see cref="IEffectiveStepSize{T}"/>: Adam, AdamW, AdaGrad, RMSprop and the book's Adam,
/// AdaGrad and RMSprop; null for the others), and the fractions of skipped and clipped steps since the last sample.
/// </summary>
/// <remarks>
/// Other steps cost one remainder test: everything is computed at the logged steps only, from buffers allocated at
/// the start (a copy of the weights before the update, a scratch buffer for the largest layer), so training pays
/// roughly (one copy and three passes over the weights, and a sort of at most <see cref="QuantileSample"/> values per
/// layer) / <see cref="Every"/> steps. Quantiles are interpolated linearly between order statistics as NumPy's default;
/// they are exact for a layer of up to <see cref="QuantileSample"/> elements and taken over an evenly strided sample of
/// that many elements for a larger one (sorting all 78 400 steps of the book network's first layer, or even 4096 of
/// each of its four large layers, cost more than 5 % of the 20 training steps between samples).
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class TrainingDiagnostics<T> : ITrainingObserver
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly (string Name, Parameter<T>[] Parameters, int Length)[] _layers;
    private readonly UpdatePipeline<T>? _pipeline;
    private readonly IEffectiveStepSize<T>? _steps;
    private readonly List<DiagnosticsSample> _samples = [];
    private T[] _before = [];
    private T[] _scratch = [];
    private double[]? _gradientNorm;
    private long _pending = -1;
    private long _previous;
    private long _skipped;
    private long _clipped;

    /// <summary>Watches the training of <paramref name="network"/>, one layer per layer that has parameters.</summary>
    /// <param name="network">The network the loop trains.</param>
    /// <param name="pipeline">The loop's pipeline; null for a closure-driven optimizer, whose recorded gradient is then the last one it evaluated in the step.</param>
    /// <param name="every">The logging interval in steps, ≥ 1.</param>
    public TrainingDiagnostics(Network<T> network, UpdatePipeline<T>? pipeline, int every)
        : this(LayersOf(network), pipeline, every)
    {
    }

    /// <summary>Watches named groups of parameters ("layers").</summary>
    /// <param name="layers">Each layer's name and parameters.</param>
    /// <param name="pipeline">The loop's pipeline; null for a closure-driven optimizer.</param>
    /// <param name="every">The logging interval in steps, ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="every"/> is below 1.</exception>
    public TrainingDiagnostics(IReadOnlyList<(string Name, IReadOnlyList<Parameter<T>> Parameters)> layers, UpdatePipeline<T>? pipeline, int every)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        _layers = [.. layers.Select(l => (l.Name, l.Parameters.ToArray(), l.Parameters.Sum(p => p.Length)))];
        _pipeline = pipeline;
        _steps = pipeline?.Optimizer as IEffectiveStepSize<T>;
        Every = every;
    }

    /// <summary>The most elements per layer whose effective steps are sorted for the quantiles (a strided sample beyond).</summary>
    public const int QuantileSample = 1024;

    /// <summary>The logging interval in steps.</summary>
    public int Every { get; }

    /// <summary>The layers' names, in the order of every sample's arrays.</summary>
    public IReadOnlyList<string> Layers => [.. _layers.Select(l => l.Name)];

    /// <summary>Whether the optimizer exposes its per-element effective step (the quantiles are null otherwise).</summary>
    public bool HasEffectiveStep => _steps is not null;

    /// <summary>The samples so far, in step order.</summary>
    public IReadOnlyList<DiagnosticsSample> Samples => _samples;

    /// <summary>One layer per layer of the network that has parameters, named by its parameters ("W1+b1").</summary>
    /// <param name="network">The network.</param>
    /// <returns>The layers.</returns>
    public static IReadOnlyList<(string Name, IReadOnlyList<Parameter<T>> Parameters)> LayersOf(Network<T> network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return [.. network.Layers.Where(l => l.Parameters.Count > 0).Select(l => (string.Join('+', l.Parameters.Select(p => p.Name)), l.Parameters))];
    }

    /// <inheritdoc/>
    public void OnStart(long step)
    {
        int total = _layers.Sum(l => l.Length);
        if (_before.Length != total)
        {
            _before = new T[total];
        }

        int largest = _steps is null ? 0 : _layers.Max(l => l.Length);
        if (_scratch.Length != largest)
        {
            _scratch = new T[largest];
        }

        _previous = step - 1;
        _skipped = _pipeline?.SkippedSteps ?? 0;
        _clipped = _pipeline?.ClippedSteps ?? 0;
    }

    /// <inheritdoc/>
    public void BeforeUpdate(long index)
    {
        if (index % Every != 0)
        {
            return;
        }

        _pending = index;
        _gradientNorm = _pipeline is null ? null : GradientNorms();
        int offset = 0;
        foreach (var (_, parameters, _) in _layers)
        {
            foreach (var p in parameters)
            {
                p.Value.Span.CopyTo(_before.AsSpan(offset, p.Length));
                offset += p.Length;
            }
        }
    }

    /// <inheritdoc/>
    public void OnStep(in StepReport report)
    {
        long index = report.Step - 1;
        if (index != _pending)
        {
            return;
        }

        int count = _layers.Length;
        double[] update = new double[count], ratio = new double[count];
        double[]? p10 = _steps is null ? null : new double[count];
        double[]? p50 = _steps is null ? null : new double[count];
        double[]? p90 = _steps is null ? null : new double[count];
        int offset = 0;
        for (int l = 0; l < count; l++)
        {
            double moved = 0, weights = 0;
            foreach (var p in _layers[l].Parameters)
            {
                ReadOnlySpan<T> before = _before.AsSpan(offset, p.Length);
                double distance = double.CreateTruncating(TensorPrimitives.Distance(p.Value.Span, before));
                moved += distance * distance;
                weights += double.CreateTruncating(TensorPrimitives.SumOfSquares(before));
                offset += p.Length;
            }

            update[l] = Math.Sqrt(moved);
            ratio[l] = Math.Sqrt(moved) / Math.Sqrt(weights);
            if (_steps is not null)
            {
                (p10![l], p50![l], p90![l]) = StepQuantiles(_layers[l].Parameters, _layers[l].Length);
            }
        }

        long steps = index - _previous;
        long skipped = _pipeline?.SkippedSteps ?? 0, clipped = _pipeline?.ClippedSteps ?? 0;
        _samples.Add(new DiagnosticsSample(
            index, _gradientNorm ?? GradientNorms(), update, ratio, p10, p50, p90, (double)(skipped - _skipped) / steps, (double)(clipped - _clipped) / steps));
        (_previous, _skipped, _clipped, _pending) = (index, skipped, clipped, -1);
    }

    private double[] GradientNorms()
    {
        double[] norms = new double[_layers.Length];
        for (int l = 0; l < norms.Length; l++)
        {
            double sum = 0;
            foreach (var p in _layers[l].Parameters)
            {
                sum += double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(p.Gradient.Span));
            }

            norms[l] = Math.Sqrt(sum);
        }

        return norms;
    }

    /// <summary>The 10/50/90 % quantiles of the layer's effective steps; NaN when the optimizer has no state for a parameter yet.</summary>
    private (double P10, double P50, double P90) StepQuantiles(Parameter<T>[] parameters, int length)
    {
        Span<T> all = _scratch.AsSpan(0, length);
        int offset = 0;
        foreach (var p in parameters)
        {
            if (!_steps!.TryWriteEffectiveStep(p.Name, all.Slice(offset, p.Length)))
            {
                return (double.NaN, double.NaN, double.NaN);
            }

            offset += p.Length;
        }

        if (length > QuantileSample)
        {
            // Element j of the sample is element ⌊j·n/s⌋ ≥ j, so the sample can be gathered in place, front to back.
            for (int j = 0; j < QuantileSample; j++)
            {
                all[j] = all[(int)((long)j * length / QuantileSample)];
            }

            all = all[..QuantileSample];
        }

        all.Sort();
        return (Quantile(all, 0.1), Quantile(all, 0.5), Quantile(all, 0.9));
    }

    /// <summary>NumPy's default ("linear"): the order statistic at q·(n − 1), interpolated.</summary>
    private static double Quantile(ReadOnlySpan<T> sorted, double q)
    {
        if (sorted.IsEmpty)
        {
            return double.NaN;
        }

        double position = q * (sorted.Length - 1);
        int low = (int)Math.Floor(position);
        int high = Math.Min(low + 1, sorted.Length - 1);
        double a = double.CreateTruncating(sorted[low]), b = double.CreateTruncating(sorted[high]);
        return a + ((position - low) * (b - a));
    }
}
