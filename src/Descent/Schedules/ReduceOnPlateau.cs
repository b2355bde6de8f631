using Descent.Optimizers;

namespace Descent.Schedules;

/// <summary>Whether a smaller or a larger metric is better.</summary>
public enum PlateauMode
{
    /// <summary>Lower is better (a loss).</summary>
    Minimize,

    /// <summary>Higher is better (an accuracy).</summary>
    Maximize,
}

/// <summary>How <see cref="PlateauOptions.Threshold"/> measures a significant improvement.</summary>
public enum ThresholdMode
{
    /// <summary>Better than best·(1 ∓ threshold).</summary>
    Relative,

    /// <summary>Better than best ∓ threshold.</summary>
    Absolute,
}

/// <summary>Settings of <see cref="ReduceOnPlateau"/>, with PyTorch's names and defaults.</summary>
public sealed record PlateauOptions
{
    /// <summary>Lower or higher is better (PyTorch <c>mode</c>).</summary>
    public PlateauMode Mode { get; init; } = PlateauMode.Minimize;

    /// <summary>new rate = rate · factor; in [0, 1).</summary>
    public double Factor { get; init; } = 0.1;

    /// <summary>Steps without improvement tolerated before reducing; ≥ 0.</summary>
    public int Patience { get; init; } = 10;

    /// <summary>How much better a metric must be to count as an improvement; ≥ 0.</summary>
    public double Threshold { get; init; } = 1e-4;

    /// <summary>Relative or absolute threshold (PyTorch <c>threshold_mode</c>).</summary>
    public ThresholdMode ThresholdMode { get; init; } = ThresholdMode.Relative;

    /// <summary>Steps to wait after a reduction before counting again; ≥ 0.</summary>
    public int Cooldown { get; init; }

    /// <summary>Lower bound on every group's rate (PyTorch <c>min_lr</c>); ≥ 0.</summary>
    public double MinimumRate { get; init; }

    /// <summary>Per-group lower bounds, overriding <see cref="MinimumRate"/> when given (one per group).</summary>
    public IReadOnlyList<double>? MinimumRates { get; init; }

    /// <summary>Reductions smaller than this are skipped (PyTorch <c>eps</c>); ≥ 0.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Throws naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Mode must be Minimize or Maximize.");
        }

        Guard.UnitInterval(Factor, nameof(Factor));
        Guard.NonNegativeInt(Patience, nameof(Patience));
        Guard.NonNegative(Threshold, nameof(Threshold));
        if (!Enum.IsDefined(ThresholdMode))
        {
            throw new ArgumentOutOfRangeException(nameof(ThresholdMode), ThresholdMode, "ThresholdMode must be Relative or Absolute.");
        }

        Guard.NonNegativeInt(Cooldown, nameof(Cooldown));
        Guard.NonNegative(MinimumRate, nameof(MinimumRate));
        if (MinimumRates is not null)
        {
            foreach (double rate in MinimumRates)
            {
                Guard.NonNegative(rate, nameof(MinimumRates));
            }
        }

        Guard.NonNegative(Epsilon, nameof(Epsilon));
    }
}

/// <summary>
/// Reduces every group's learning rate by <see cref="PlateauOptions.Factor"/> when a metric has not
/// improved for more than <see cref="PlateauOptions.Patience"/> steps, exactly as PyTorch's
/// <c>ReduceLROnPlateau</c>. It depends on the metrics seen, not only on the step, so it carries state:
/// <see cref="SaveState"/> and <see cref="LoadState"/> (with the optimizer's own state, which holds the
/// rates) resume a run exactly.
/// </summary>
public sealed class ReduceOnPlateau
{
    private readonly IScheduledOptimizer _optimizer;
    private readonly double[] _minimumRates;

    /// <summary>Creates the scheduler.</summary>
    /// <param name="optimizer">The optimizer whose rates it reduces.</param>
    /// <param name="options">Settings; default PyTorch's.</param>
    public ReduceOnPlateau(IScheduledOptimizer optimizer, PlateauOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        options ??= new PlateauOptions();
        options.Validate();
        int groups = optimizer.ParameterGroups.Count;
        if (options.MinimumRates is { } rates && rates.Count != groups)
        {
            throw new ArgumentException(
                $"MinimumRates holds {rates.Count} value(s) but the optimizer has {groups} parameter group(s).", nameof(options));
        }

        _optimizer = optimizer;
        Options = options;
        _minimumRates = new double[groups];
        for (int i = 0; i < groups; i++)
        {
            _minimumRates[i] = options.MinimumRates?[i] ?? options.MinimumRate;
        }

        Best = WorstValue;
    }

    /// <summary>The settings.</summary>
    public PlateauOptions Options { get; }

    /// <summary>The best metric so far (±∞ before the first).</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive steps without improvement (PyTorch <c>num_bad_epochs</c>).</summary>
    public int BadSteps { get; private set; }

    /// <summary>Steps of cooldown left.</summary>
    public int CooldownRemaining { get; private set; }

    /// <summary>Number of <see cref="Step"/> calls so far (PyTorch's <c>last_epoch</c>).</summary>
    public long StepIndex { get; private set; }

    private double WorstValue => Options.Mode == PlateauMode.Minimize ? double.PositiveInfinity : double.NegativeInfinity;

    /// <summary>Records the metric of the step just taken and reduces the rates if it has plateaued.</summary>
    /// <param name="metric">The monitored value (e.g. validation loss). NaN never counts as an improvement.</param>
    public void Step(double metric)
    {
        StepIndex++;
        if (IsBetter(metric, Best))
        {
            Best = metric;
            BadSteps = 0;
        }
        else
        {
            BadSteps++;
        }

        if (CooldownRemaining > 0)
        {
            CooldownRemaining--;
            BadSteps = 0;
        }

        if (BadSteps > Options.Patience)
        {
            Reduce();
            CooldownRemaining = Options.Cooldown;
            BadSteps = 0;
        }
    }

    /// <summary>The counters that decide future reductions (the rates themselves live in the optimizer's state).</summary>
    /// <returns>A snapshot.</returns>
    public PlateauState SaveState() => new(StepIndex, Best, BadSteps, CooldownRemaining);

    /// <summary>Restores counters saved by <see cref="SaveState"/>.</summary>
    /// <param name="state">The state.</param>
    /// <exception cref="ArgumentException">A counter is negative.</exception>
    public void LoadState(PlateauState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.StepIndex < 0 || state.BadSteps < 0 || state.CooldownRemaining < 0)
        {
            throw new ArgumentException(
                $"The state's counters must be ≥ 0; got StepIndex {state.StepIndex}, BadSteps {state.BadSteps}, CooldownRemaining {state.CooldownRemaining}.", nameof(state));
        }

        StepIndex = state.StepIndex;
        Best = state.Best;
        BadSteps = state.BadSteps;
        CooldownRemaining = state.CooldownRemaining;
    }

    private bool IsBetter(double value, double best) => (Options.Mode, Options.ThresholdMode) switch
    {
        (PlateauMode.Minimize, ThresholdMode.Relative) => value < best * (1.0 - Options.Threshold),
        (PlateauMode.Minimize, ThresholdMode.Absolute) => value < best - Options.Threshold,
        (PlateauMode.Maximize, ThresholdMode.Relative) => value > best * (Options.Threshold + 1.0),
        _ => value > best + Options.Threshold,
    };

    private void Reduce()
    {
        var groups = _optimizer.ParameterGroups;
        if (groups.Count != _minimumRates.Length)
        {
            throw new InvalidOperationException(
                $"The optimizer now has {groups.Count} parameter group(s) but the scheduler was created for {_minimumRates.Length}; create it after adding every group.");
        }

        for (int i = 0; i < groups.Count; i++)
        {
            double old = groups[i].LearningRate;
            double reduced = Math.Max(old * Options.Factor, _minimumRates[i]);
            if (old - reduced > Options.Epsilon)
            {
                groups[i].LearningRate = reduced;
            }
        }
    }
}

/// <summary>A saved <see cref="ReduceOnPlateau"/>.</summary>
/// <param name="StepIndex">Number of steps seen.</param>
/// <param name="Best">The best metric so far.</param>
/// <param name="BadSteps">Consecutive steps without improvement.</param>
/// <param name="CooldownRemaining">Steps of cooldown left.</param>
public sealed record PlateauState(long StepIndex, double Best, int BadSteps, int CooldownRemaining);
