using System.Numerics;
using System.Numerics.Tensors;
using Descent.Clipping;
using Descent.Optimizers;
using Descent.Optimizers.Kernels;
using Descent.Schedules;

namespace Descent.Pipeline;

/// <summary>How accumulated micro-batch gradients are combined.</summary>
public enum AccumulationMode
{
    /// <summary>Their mean: the gradient of the mean loss over the micro-batches (Optax <c>MultiSteps</c>).</summary>
    Mean,

    /// <summary>Their sum.</summary>
    Sum,
}

/// <summary>What one <see cref="UpdatePipeline{T}.Step"/> did.</summary>
public enum StepOutcome
{
    /// <summary>The optimizer updated the weights.</summary>
    Applied,

    /// <summary>The gradients were added to the accumulator; the update waits for more micro-batches.</summary>
    Accumulated,

    /// <summary>The gradients held NaN or ∞ and were dropped; nothing changed but the skip counters.</summary>
    Skipped,
}

/// <summary>Starts the declaration of an <see cref="UpdatePipeline{T}"/>.</summary>
public static class UpdatePipeline
{
    /// <summary>Starts a pipeline over <paramref name="parameters"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">Every parameter the pipeline trains.</param>
    /// <returns>The builder.</returns>
    public static UpdatePipelineBuilder<T> For<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new(parameters);
}

/// <summary>
/// Everything around an optimizer's update, declared in one place and run in one fixed order, as an
/// Optax chain:
/// <code>
/// skip non-finite → accumulate → clip → update rule (with the weight-decay mask) → schedule → weight average
/// </code>
/// Each <see cref="Step"/> takes the gradients of one micro-batch from the parameters' gradient buffers.
/// The per-element update stays the optimizer's own fused kernel; the stages around it are one pass each
/// over the gradients, and only the stages declared run. Build it with <see cref="UpdatePipeline.For{T}"/>.
/// </summary>
/// <remarks>
/// Clipping sees the accumulated gradient, as in Optax's <c>MultiSteps(chain(clip, …))</c> and in PyTorch's
/// usual loop (accumulate, clip, step). Fill the gradient buffers afresh for each micro-batch (zero them
/// or let backpropagation overwrite them): the pipeline keeps the running sum itself. After the first
/// call, <see cref="Step"/> allocates nothing except what the optimizer and a changing schedule do
/// (options are immutable records, so a new learning rate is a new options object per group).
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class UpdatePipeline<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] _parameters;
    private readonly int _maxConsecutiveSkips;
    private readonly int _accumulationSteps;
    private readonly AccumulationMode _accumulationMode;
    private readonly ClipSettings? _clip;
    private readonly string[] _stages;
    private T[][]? _accumulated;
    private int _pending;

    internal UpdatePipeline(
        Parameter<T>[] parameters,
        IOptimizer<T> optimizer,
        int maxConsecutiveSkips,
        int accumulationSteps,
        AccumulationMode accumulationMode,
        ClipSettings? clip,
        WeightDecayMask? mask,
        LearningRateScheduler? scheduler,
        WeightAverage<T>? average)
    {
        _parameters = parameters;
        Optimizer = optimizer;
        _maxConsecutiveSkips = maxConsecutiveSkips;
        _accumulationSteps = accumulationSteps;
        _accumulationMode = accumulationMode;
        _clip = clip;
        Scheduler = scheduler;
        Average = average;

        var stages = new List<string>();
        if (maxConsecutiveSkips >= 0)
        {
            stages.Add($"skip non-finite gradients (error after {maxConsecutiveSkips} in a row)");
        }

        if (accumulationSteps > 1)
        {
            stages.Add($"accumulate {accumulationSteps} micro-batches ({accumulationMode.ToString().ToLowerInvariant()})");
        }

        if (clip is { } c)
        {
            stages.Add(c.ByValue
                ? $"clip each gradient element to ±{Guard.Format(c.Bound)}"
                : $"clip the global {GradientClipping.NormName(c.NormType)} norm to {Guard.Format(c.Bound)}");
        }

        if (mask is not null)
        {
            stages.Add($"no weight decay for {mask}");
        }

        stages.Add($"update with {optimizer.GetType().Name.Split('`')[0]}");
        if (scheduler is not null)
        {
            stages.Add($"schedule {scheduler.Schedules[0]}");
        }

        if (average is not null)
        {
            stages.Add($"average the weights (decay {Guard.Format(average.Decay)})");
        }

        _stages = [.. stages];
    }

    /// <summary>The optimizer that applies the update.</summary>
    public IOptimizer<T> Optimizer { get; }

    /// <summary>The learning-rate scheduler, when a schedule was declared.</summary>
    public LearningRateScheduler? Scheduler { get; }

    /// <summary>The weight average, when declared; swap it in to evaluate.</summary>
    public WeightAverage<T>? Average { get; }

    /// <summary>The parameters, in order.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <summary>The stages in the order they run, for a reader (and for logs).</summary>
    public IReadOnlyList<string> Stages => _stages;

    /// <summary>Updates applied by the optimizer.</summary>
    public long AppliedSteps { get; private set; }

    /// <summary>Micro-batches dropped for non-finite gradients, in total.</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>
    /// Updates whose gradients the clip stage changed: by norm, when the norm exceeded the bound (PyTorch's
    /// coefficient below 1); by value, when an element lay outside ±bound. Not part of the saved state.
    /// </summary>
    public long ClippedSteps { get; private set; }

    /// <summary>Micro-batches dropped in a row, up to now.</summary>
    public int ConsecutiveSkips { get; private set; }

    /// <summary>Micro-batches accumulated towards the next update.</summary>
    public int PendingMicroBatches => _pending;

    /// <summary>The global gradient norm before clipping at the last applied update (NaN without norm clipping).</summary>
    public double LastGradientNorm { get; private set; } = double.NaN;

    /// <summary>Takes the current gradients through the pipeline.</summary>
    /// <returns>Whether the weights were updated, the gradients accumulated, or the step skipped.</returns>
    /// <exception cref="NonFiniteGradientException">More non-finite steps in a row than allowed.</exception>
    /// <exception cref="InvalidOperationException">The weight average is swapped in.</exception>
    public StepOutcome Step()
    {
        if (Average is { IsSwappedIn: true })
        {
            throw new InvalidOperationException("Step() while the weight average is swapped in: swap the training weights back first.");
        }

        if (_maxConsecutiveSkips >= 0 && !GradientsAreFinite())
        {
            SkippedSteps++;
            if (++ConsecutiveSkips > _maxConsecutiveSkips)
            {
                throw new NonFiniteGradientException(
                    $"The gradients held NaN or ∞ in {ConsecutiveSkips} steps in a row (at most {_maxConsecutiveSkips} may be skipped; {SkippedSteps} skipped in total, after {AppliedSteps} applied updates). The run is diverging: lower the learning rate, clip the gradients, or check the loss and the data.");
            }

            return StepOutcome.Skipped;
        }

        ConsecutiveSkips = 0;
        if (_accumulationSteps > 1 && !Accumulate())
        {
            return StepOutcome.Accumulated;
        }

        if (_clip is { } clip)
        {
            if (clip.ByValue)
            {
                // One extra read of the gradients, paid only by pipelines that clip by value, to count the clipped steps.
                if (LargestMagnitude() > clip.Bound)
                {
                    ClippedSteps++;
                }

                GradientClipping.ClipByValue(_parameters, clip.Bound);
            }
            else
            {
                LastGradientNorm = GradientClipping.ClipByGlobalNorm(_parameters, clip.Bound, clip.NormType, clip.ErrorIfNonFinite);
                if (Math.Min(clip.Bound / (LastGradientNorm + GradientClipping.NormEpsilon), 1.0) != 1.0)
                {
                    ClippedSteps++;
                }
            }
        }

        Optimizer.Step();
        Scheduler?.Step();
        Average?.Update();
        AppliedSteps++;
        return StepOutcome.Applied;
    }

    /// <summary>
    /// Everything needed to resume: the optimizer's, scheduler's and average's state, the partial
    /// accumulation window and the counters. Loaded into a pipeline declared the same way over parameters
    /// holding the same values, training continues bit-identically.
    /// </summary>
    /// <returns>A deep copy.</returns>
    public PipelineState<T> SaveState()
    {
        Dictionary<string, T[]>? accumulated = null;
        if (_pending > 0 && _accumulated is not null)
        {
            accumulated = new Dictionary<string, T[]>(StringComparer.Ordinal);
            for (int i = 0; i < _parameters.Length; i++)
            {
                accumulated[_parameters[i].Name] = (T[])_accumulated[i].Clone();
            }
        }

        return new PipelineState<T>(
            Optimizer.SaveState(),
            Scheduler?.SaveState(),
            Average?.SaveState(),
            _pending,
            accumulated,
            AppliedSteps,
            SkippedSteps,
            ConsecutiveSkips);
    }

    /// <summary>Restores a state saved by <see cref="SaveState"/> from a pipeline declared the same way.</summary>
    /// <param name="state">The state.</param>
    /// <exception cref="ArgumentException">The state does not fit this pipeline's stages or parameters.</exception>
    public void LoadState(PipelineState<T> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if ((state.Scheduler is null) != (Scheduler is null) || (state.Average is null) != (Average is null))
        {
            throw new ArgumentException("The state was saved by a pipeline with other stages (schedule or weight average).", nameof(state));
        }

        if (state.PendingMicroBatches < 0 || state.PendingMicroBatches >= Math.Max(1, _accumulationSteps)
            || (state.PendingMicroBatches > 0) != (state.Accumulated is not null))
        {
            throw new ArgumentException(
                $"The state has {state.PendingMicroBatches} pending micro-batch(es); this pipeline accumulates {_accumulationSteps}.", nameof(state));
        }

        if (state.Accumulated is { } sums)
        {
            foreach (var p in _parameters)
            {
                if (!sums.TryGetValue(p.Name, out var sum) || sum.Length != p.Length)
                {
                    throw new ArgumentException($"The state has no accumulated gradient of length {p.Length} for '{p.Name}'.", nameof(state));
                }
            }
        }

        Optimizer.LoadState(state.Optimizer);
        if (state.Scheduler is { } scheduler)
        {
            Scheduler!.LoadState(scheduler);
        }

        if (state.Average is { } average)
        {
            Average!.LoadState(average);
        }

        if (state.Accumulated is { } accumulated)
        {
            _accumulated ??= Array.ConvertAll(_parameters, p => new T[p.Length]);
            for (int i = 0; i < _parameters.Length; i++)
            {
                accumulated[_parameters[i].Name].CopyTo(_accumulated[i], 0);
            }
        }

        _pending = state.PendingMicroBatches;
        AppliedSteps = state.AppliedSteps;
        SkippedSteps = state.SkippedSteps;
        ConsecutiveSkips = state.ConsecutiveSkips;
    }

    /// <summary>A one-line view of the stages.</summary>
    /// <returns>The stages joined by arrows.</returns>
    public override string ToString() => string.Join(" → ", _stages);

    /// <summary>Adds this micro-batch to the running sum; on the last one of a window, writes the combined gradient back.</summary>
    /// <returns>True when the window is complete and the update should run.</returns>
    private bool Accumulate()
    {
        _accumulated ??= Array.ConvertAll(_parameters, p => new T[p.Length]);
        _pending++;
        bool complete = _pending == _accumulationSteps;
        for (int i = 0; i < _parameters.Length; i++)
        {
            Span<T> g = _parameters[i].Gradient.Span;
            Span<T> sum = _accumulated[i];
            if (complete)
            {
                TensorPrimitives.Add(sum, g, g);
                if (_accumulationMode == AccumulationMode.Mean)
                {
                    TensorPrimitives.Divide(g, T.CreateTruncating(_accumulationSteps), g);
                }
            }
            else if (_pending == 1)
            {
                g.CopyTo(sum);
            }
            else
            {
                TensorPrimitives.Add(sum, g, sum);
            }
        }

        if (complete)
        {
            _pending = 0;
        }

        return complete;
    }

    /// <summary>The largest |g| over every gradient (a plain loop: NaN is not counted as clipped, it is the skip stage's business).</summary>
    private double LargestMagnitude()
    {
        double largest = 0;
        foreach (var p in _parameters)
        {
            foreach (T g in p.Gradient.Span)
            {
                largest = Math.Max(largest, Math.Abs(double.CreateTruncating(g)));
            }
        }

        return largest;
    }

    private bool GradientsAreFinite()
    {
        foreach (var p in _parameters)
        {
            if (!AllFinite(p.Gradient.Span))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>x − x is 0 for every finite x and NaN for ±∞ and NaN, so one sum of it finds any non-finite element.</summary>
    private static bool AllFinite(ReadOnlySpan<T> x)
    {
        var pass = new FiniteCheck(x);
        return Reduction.Run<T, FiniteCheck>(ref pass, KernelPath.Auto).First == T.Zero;
    }

    private readonly ref struct FiniteCheck(ReadOnlySpan<T> x) : IReduction<T>
    {
        private readonly ReadOnlySpan<T> _x = x;

        public int Length => _x.Length;

        public (T First, T Second) Scalar(int i) => (_x[i] - _x[i], T.Zero);

        public (TV First, TV Second) Simd<TV>(int i)
            where TV : unmanaged, ISimdVector<TV, T>
        {
            TV v = TV.Load(in _x[i]);
            return (v - v, TV.Create(T.Zero));
        }
    }

    internal readonly record struct ClipSettings(bool ByValue, double Bound, double NormType, bool ErrorIfNonFinite);
}

/// <summary>A saved <see cref="UpdatePipeline{T}"/>.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="Optimizer">The optimizer's state.</param>
/// <param name="Scheduler">The scheduler's state, when the pipeline has a schedule.</param>
/// <param name="Average">The weight average, when the pipeline keeps one.</param>
/// <param name="PendingMicroBatches">Micro-batches accumulated towards the next update.</param>
/// <param name="Accumulated">Their running sum by parameter name (null when none is pending).</param>
/// <param name="AppliedSteps">Updates applied.</param>
/// <param name="SkippedSteps">Micro-batches skipped in total.</param>
/// <param name="ConsecutiveSkips">Micro-batches skipped in a row.</param>
public sealed record PipelineState<T>(
    OptimizerState<T> Optimizer,
    SchedulerState? Scheduler,
    WeightAverageState<T>? Average,
    int PendingMicroBatches,
    IReadOnlyDictionary<string, T[]>? Accumulated,
    long AppliedSteps,
    long SkippedSteps,
    int ConsecutiveSkips)
    where T : unmanaged, IFloatingPointIeee754<T>;
