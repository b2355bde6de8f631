using System.Numerics;
using Descent.Clipping;
using Descent.Optimizers;
using Descent.Schedules;

namespace Descent.Pipeline;

/// <summary>
/// Declares an <see cref="UpdatePipeline{T}"/>. Stages may be declared in any order; they always run in
/// the pipeline's fixed order (see <see cref="UpdatePipeline{T}"/>). Each stage may be declared once.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class UpdatePipelineBuilder<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] _parameters;
    private int _maxConsecutiveSkips = -1;
    private int _accumulationSteps = 1;
    private AccumulationMode _accumulationMode;
    private UpdatePipeline<T>.ClipSettings? _clip;
    private WeightDecayMask? _mask;
    private Func<WeightDecayMask?, IOptimizer<T>>? _optimizer;
    private LearningRateSchedule? _schedule;
    private double? _averageDecay;
    private readonly HashSet<string> _declared = new(StringComparer.Ordinal);

    internal UpdatePipelineBuilder(IEnumerable<Parameter<T>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = [.. parameters];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in _parameters)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parameters));
            if (!names.Add(p.Name))
            {
                throw new ArgumentException($"Parameter '{p.Name}' appears more than once; parameter names must be unique.", nameof(parameters));
            }
        }
    }

    /// <summary>
    /// Drops micro-batches whose gradients hold NaN or ∞ (counted in <see cref="UpdatePipeline{T}.SkippedSteps"/>);
    /// the next one after <paramref name="maxConsecutive"/> dropped in a row throws <see cref="NonFiniteGradientException"/>.
    /// </summary>
    /// <param name="maxConsecutive">Steps that may be skipped in a row; ≥ 0 (0: the first non-finite step throws).</param>
    /// <returns>This builder.</returns>
    public UpdatePipelineBuilder<T> SkipNonFinite(int maxConsecutive = 10)
    {
        Declare(nameof(SkipNonFinite));
        Guard.NonNegativeInt(maxConsecutive, nameof(maxConsecutive));
        _maxConsecutiveSkips = maxConsecutive;
        return this;
    }

    /// <summary>Applies the update every <paramref name="microBatches"/> steps, with the mean (or sum) of their gradients.</summary>
    /// <param name="microBatches">Micro-batches per update; ≥ 1.</param>
    /// <param name="mode">Mean (default) or sum.</param>
    /// <returns>This builder.</returns>
    public UpdatePipelineBuilder<T> AccumulateGradients(int microBatches, AccumulationMode mode = AccumulationMode.Mean)
    {
        Declare(nameof(AccumulateGradients));
        Guard.PositiveInt(microBatches, nameof(microBatches));
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "mode must be Mean or Sum.");
        }

        _accumulationSteps = microBatches;
        _accumulationMode = mode;
        return this;
    }

    /// <summary>Clips the gradients' global norm to <paramref name="maxNorm"/> before each update (see <see cref="GradientClipping.ClipByGlobalNorm{T}"/>).</summary>
    /// <param name="maxNorm">The largest allowed norm; ≥ 0.</param>
    /// <param name="normType">p: 1, 2, ∞ or any positive number.</param>
    /// <param name="errorIfNonFinite">Throw on a NaN or ∞ norm instead of clipping.</param>
    /// <returns>This builder.</returns>
    public UpdatePipelineBuilder<T> ClipByGlobalNorm(double maxNorm, double normType = 2.0, bool errorIfNonFinite = false)
    {
        Declare("Clip");
        Guard.NonNegative(maxNorm, nameof(maxNorm));
        GradientClipping.CheckNormType(normType);
        _clip = new(false, maxNorm, normType, errorIfNonFinite);
        return this;
    }

    /// <summary>Clamps every gradient element to ±<paramref name="clipValue"/> before each update.</summary>
    /// <param name="clipValue">The bound; ≥ 0.</param>
    /// <returns>This builder.</returns>
    public UpdatePipelineBuilder<T> ClipByValue(double clipValue)
    {
        Declare("Clip");
        Guard.NonNegative(clipValue, nameof(clipValue));
        _clip = new(true, clipValue, 0, false);
        return this;
    }

    /// <summary>
    /// Excludes the parameters <paramref name="mask"/> selects from weight decay (default:
    /// <see cref="WeightDecayMask.VectorsAndScalars"/>, i.e. biases and normalisation parameters). Needs the
    /// optimizer declared with <see cref="Optimizer{TOptions}(Func{IEnumerable{Parameter{T}}, TOptions, IOptimizer{T}}, TOptions)"/>,
    /// which then gets two groups.
    /// </summary>
    /// <param name="mask">The mask.</param>
    /// <returns>This builder.</returns>
    public UpdatePipelineBuilder<T> ExcludeFromWeightDecay(WeightDecayMask? mask = null)
    {
        Declare(nameof(ExcludeFromWeightDecay));
        _mask = mask ?? WeightDecayMask.VectorsAndScalars;
        return this;
    }

    /// <summary>The update rule, created by the pipeline over its parameters (applying the weight-decay mask, if any).</summary>
    /// <typeparam name="TOptions">The optimizer's options.</typeparam>
    /// <param name="create">The optimizer's constructor, e.g. <c>(ps, o) =&gt; new Sgd&lt;double&gt;(ps, o)</c>.</param>
    /// <param name="options">The options (with the weight decay the decayed parameters get).</param>
    /// <returns>This builder.</returns>
    public UpdatePipelineBuilder<T> Optimizer<TOptions>(Func<IEnumerable<Parameter<T>>, TOptions, IOptimizer<T>> create, TOptions options)
        where TOptions : OptimizerOptions
    {
        Declare(nameof(Optimizer));
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _optimizer = mask =>
        {
            if (mask is null)
            {
                return create(_parameters, options);
            }

            if (options is not IWeightDecayOptions decayOptions)
            {
                throw new InvalidOperationException($"{typeof(TOptions).Name} has no weight decay, so ExcludeFromWeightDecay does not apply to it.");
            }

            var (decayed, excluded) = mask.Split(_parameters);
            var optimizer = create(decayed, options);
            if (excluded.Length > 0)
            {
                optimizer.AddGroup(excluded, decayOptions.WithWeightDecay(0));
            }

            return optimizer;
        };
        return this;
    }

    /// <summary>An existing optimizer as the update rule; it must hold exactly the pipeline's parameters.</summary>
    /// <param name="optimizer">The optimizer (create its groups yourself; <see cref="ExcludeFromWeightDecay"/> then cannot apply).</param>
    /// <returns>This builder.</returns>
    public UpdatePipelineBuilder<T> Optimizer(IOptimizer<T> optimizer)
    {
        Declare(nameof(Optimizer));
        ArgumentNullException.ThrowIfNull(optimizer);
        var held = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in optimizer.ParameterGroups)
        {
            held.UnionWith(group.ParameterNames);
        }

        if (!held.SetEquals(_parameters.Select(p => p.Name)))
        {
            throw new ArgumentException(
                $"The optimizer holds [{string.Join(", ", held.Order(StringComparer.Ordinal))}] but the pipeline's parameters are [{string.Join(", ", _parameters.Select(p => p.Name))}]; they must be the same.",
                nameof(optimizer));
        }

        _optimizer = mask => mask is null
            ? optimizer
            : throw new InvalidOperationException("ExcludeFromWeightDecay needs the optimizer declared as Optimizer(create, options), so the pipeline can form the two groups; with an existing optimizer, use WeightDecayMask.Apply when creating it.");
        return this;
    }

    /// <summary>Drives every group's learning rate from <paramref name="schedule"/>, advancing once per applied update.</summary>
    /// <param name="schedule">The schedule.</param>
    /// <returns>This builder.</returns>
    public UpdatePipelineBuilder<T> Schedule(LearningRateSchedule schedule)
    {
        Declare(nameof(Schedule));
        _schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        return this;
    }

    /// <summary>Keeps an exponential moving average of the weights, updated after each applied update.</summary>
    /// <param name="decay">β, the weight of the past; in [0, 1).</param>
    /// <returns>This builder.</returns>
    public UpdatePipelineBuilder<T> AverageWeights(double decay = 0.999)
    {
        Declare(nameof(AverageWeights));
        Guard.UnitInterval(decay, nameof(decay));
        _averageDecay = decay;
        return this;
    }

    /// <summary>Creates the pipeline (and the optimizer, scheduler and average it declares).</summary>
    /// <returns>The pipeline.</returns>
    /// <exception cref="InvalidOperationException">No optimizer was declared, or the weight-decay mask cannot apply.</exception>
    public UpdatePipeline<T> Build()
    {
        if (_optimizer is null)
        {
            throw new InvalidOperationException("Declare the update rule with Optimizer(...) before Build().");
        }

        var optimizer = _optimizer(_mask);
        var scheduler = _schedule is null ? null : new LearningRateScheduler(optimizer, _schedule);
        var average = _averageDecay is double decay ? new WeightAverage<T>(_parameters, decay) : null;
        return new UpdatePipeline<T>(
            _parameters, optimizer, _maxConsecutiveSkips, _accumulationSteps, _accumulationMode, _clip, _mask, scheduler, average);
    }

    private void Declare(string stage)
    {
        if (!_declared.Add(stage))
        {
            throw new InvalidOperationException($"{stage} is declared twice; each stage appears once in a pipeline.");
        }
    }
}
