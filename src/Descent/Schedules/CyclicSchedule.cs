namespace Descent.Schedules;

/// <summary>The amplitude policy of <see cref="CyclicSchedule"/>.</summary>
public enum CyclicMode
{
    /// <summary>Constant amplitude.</summary>
    Triangular,

    /// <summary>Amplitude halved every cycle.</summary>
    Triangular2,

    /// <summary>Amplitude scaled by γ^step (PyTorch <c>exp_range</c>).</summary>
    ExponentialRange,
}

/// <summary>What a custom scale function of <see cref="CyclicSchedule"/> receives.</summary>
public enum CyclicScaleMode
{
    /// <summary>The cycle number, from 1.</summary>
    Cycle,

    /// <summary>The step.</summary>
    Iterations,
}

/// <summary>
/// Cyclical learning rates (Smith 2017), as PyTorch's <c>CyclicLR</c>: the rate moves linearly between
/// <see cref="BaseRate"/> and <see cref="MaxRate"/> (up in <see cref="StepSizeUp"/> steps, down in
/// <see cref="StepSizeDown"/>), with the amplitude scaled by the mode; the momentum coefficient moves
/// inversely between <see cref="MaxMomentum"/> and <see cref="BaseMomentum"/>. The rates are absolute:
/// the group's own learning rate is ignored, as in PyTorch.
/// </summary>
public sealed class CyclicSchedule : LearningRateSchedule
{
    private readonly Func<double, double>? _scale;
    private readonly double _totalSize;
    private readonly double _stepRatio;

    /// <summary>Creates the schedule.</summary>
    /// <param name="baseRate">The lower rate (PyTorch <c>base_lr</c>); ≥ 0.</param>
    /// <param name="maxRate">The upper rate (PyTorch <c>max_lr</c>); ≥ 0.</param>
    /// <param name="stepSizeUp">Steps in the rising half; ≥ 1.</param>
    /// <param name="stepSizeDown">Steps in the falling half; ≥ 1; default <paramref name="stepSizeUp"/>.</param>
    /// <param name="mode">Amplitude policy (ignored when <paramref name="scale"/> is given).</param>
    /// <param name="gamma">γ of <see cref="CyclicMode.ExponentialRange"/>; &gt; 0.</param>
    /// <param name="scale">Custom amplitude scale in [0, 1] (PyTorch <c>scale_fn</c>); must be deterministic.</param>
    /// <param name="scaleMode">What <paramref name="scale"/> receives.</param>
    /// <param name="cycleMomentum">Whether the momentum coefficient is cycled too.</param>
    /// <param name="baseMomentum">Momentum at the peak rate; in [0, 1].</param>
    /// <param name="maxMomentum">Momentum at the base rate; in [0, 1].</param>
    public CyclicSchedule(
        double baseRate,
        double maxRate,
        int stepSizeUp = 2000,
        int? stepSizeDown = null,
        CyclicMode mode = CyclicMode.Triangular,
        double gamma = 1.0,
        Func<double, double>? scale = null,
        CyclicScaleMode scaleMode = CyclicScaleMode.Cycle,
        bool cycleMomentum = true,
        double baseMomentum = 0.8,
        double maxMomentum = 0.9)
    {
        Guard.NonNegative(baseRate, nameof(baseRate));
        Guard.NonNegative(maxRate, nameof(maxRate));
        Guard.PositiveInt(stepSizeUp, nameof(stepSizeUp));
        if (stepSizeDown is int down)
        {
            Guard.PositiveInt(down, nameof(stepSizeDown));
        }

        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "mode must be Triangular, Triangular2 or ExponentialRange.");
        }

        if (!Enum.IsDefined(scaleMode))
        {
            throw new ArgumentOutOfRangeException(nameof(scaleMode), scaleMode, "scaleMode must be Cycle or Iterations.");
        }

        Guard.Positive(gamma, nameof(gamma));
        Guard.UnitInterval(baseMomentum, nameof(baseMomentum), inclusiveUpper: true);
        Guard.UnitInterval(maxMomentum, nameof(maxMomentum), inclusiveUpper: true);
        BaseRate = baseRate;
        MaxRate = maxRate;
        StepSizeUp = stepSizeUp;
        StepSizeDown = stepSizeDown ?? stepSizeUp;
        Mode = mode;
        Gamma = gamma;
        _scale = scale;
        ScaleMode = scale is not null ? scaleMode : mode == CyclicMode.ExponentialRange ? CyclicScaleMode.Iterations : CyclicScaleMode.Cycle;
        CycleMomentum = cycleMomentum;
        BaseMomentum = baseMomentum;
        MaxMomentum = maxMomentum;
        _totalSize = (double)StepSizeUp + StepSizeDown;
        _stepRatio = StepSizeUp / _totalSize;
    }

    /// <summary>The lower rate.</summary>
    public double BaseRate { get; }

    /// <summary>The upper rate.</summary>
    public double MaxRate { get; }

    /// <summary>Steps in the rising half.</summary>
    public int StepSizeUp { get; }

    /// <summary>Steps in the falling half.</summary>
    public int StepSizeDown { get; }

    /// <summary>The amplitude policy.</summary>
    public CyclicMode Mode { get; }

    /// <summary>γ of the exponential-range policy.</summary>
    public double Gamma { get; }

    /// <summary>What the scale function receives (fixed by the mode unless a custom scale is given).</summary>
    public CyclicScaleMode ScaleMode { get; }

    /// <summary>Whether the momentum coefficient is cycled.</summary>
    public bool CycleMomentum { get; }

    /// <summary>Momentum at the peak rate.</summary>
    public double BaseMomentum { get; }

    /// <summary>Momentum at the base rate.</summary>
    public double MaxMomentum { get; }

    /// <inheritdoc/>
    public override bool CyclesMomentum => CycleMomentum;

    /// <inheritdoc/>
    public override double RateAt(long step, double initialRate)
    {
        double scaled = Position(step, out double scale);
        return BaseRate + ((MaxRate - BaseRate) * scaled * scale);
    }

    /// <inheritdoc/>
    public override double MomentumAt(long step, double initialMomentum)
    {
        if (!CycleMomentum)
        {
            return base.MomentumAt(step, initialMomentum);
        }

        double scaled = Position(step, out double scale);
        return MaxMomentum - ((MaxMomentum - BaseMomentum) * scaled * scale);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"CyclicLR(base_lr={Format(BaseRate)}, max_lr={Format(MaxRate)}, step_size_up={StepSizeUp}, step_size_down={StepSizeDown}, mode={Mode switch { CyclicMode.Triangular => "triangular", CyclicMode.Triangular2 => "triangular2", _ => "exp_range" }}, gamma={Format(Gamma)}{(_scale is null ? string.Empty : ", scale_fn=<function>")}, cycle_momentum={CycleMomentum}, base_momentum={Format(BaseMomentum)}, max_momentum={Format(MaxMomentum)})";

    /// <summary>PyTorch's scale factor (position within the half cycle) and amplitude scale at <paramref name="step"/>.</summary>
    private double Position(long step, out double scale)
    {
        CheckStep(step);
        double cycle = Math.Floor(1 + (step / _totalSize));
        double x = 1.0 + (step / _totalSize) - cycle;
        double factor = x <= _stepRatio ? x / _stepRatio : (x - 1) / (_stepRatio - 1);
        double argument = ScaleMode == CyclicScaleMode.Cycle ? cycle : step;
        scale = _scale is not null
            ? _scale(argument)
            : Mode switch
            {
                CyclicMode.Triangular => 1.0,
                CyclicMode.Triangular2 => 1 / Math.Pow(2.0, argument - 1),
                _ => Math.Pow(Gamma, argument),
            };
        return factor;
    }
}
