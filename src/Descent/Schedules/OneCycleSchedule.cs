namespace Descent.Schedules;

/// <summary>How a one-cycle phase moves from its start value to its end value.</summary>
public enum AnnealStrategy
{
    /// <summary>Half a cosine (PyTorch <c>anneal_strategy="cos"</c>).</summary>
    Cosine,

    /// <summary>A straight line (PyTorch <c>anneal_strategy="linear"</c>).</summary>
    Linear,
}

/// <summary>
/// The 1cycle policy (Smith &amp; Topin 2017), as PyTorch's <c>OneCycleLR</c>: the rate rises from
/// max_lr / div_factor to max_lr over the first <see cref="PercentStart"/> of the run, then falls to
/// initial / final_div_factor; the momentum coefficient (momentum, or beta1 for the Adam family) moves
/// inversely between <see cref="MaxMomentum"/> and <see cref="BaseMomentum"/>. With
/// <see cref="ThreePhase"/>, the fall returns to the initial rate and a third phase annihilates it.
/// The rates are absolute: the group's own learning rate is ignored, as in PyTorch. Steps 0 to
/// totalSteps − 1 follow PyTorch's <c>get_lr</c> exactly (phase ends at pct_start·total − 1, 2·pct_start·total − 2
/// and total − 1); at step totalSteps, after the last update, the final rate is held rather than extrapolated.
/// </summary>
public sealed class OneCycleSchedule : LearningRateSchedule
{
    private readonly Phase[] _phases;

    /// <summary>Creates the schedule.</summary>
    /// <param name="maxRate">The peak rate (PyTorch <c>max_lr</c>); ≥ 0.</param>
    /// <param name="totalSteps">Steps in the cycle; ≥ 1. Steps up to and including this many may be asked for.</param>
    /// <param name="percentStart">Fraction of the cycle spent rising (PyTorch <c>pct_start</c>); in [0, 1].</param>
    /// <param name="annealStrategy">Cosine or linear phases.</param>
    /// <param name="cycleMomentum">Whether the momentum coefficient is cycled too.</param>
    /// <param name="baseMomentum">Momentum at the peak rate; in [0, 1].</param>
    /// <param name="maxMomentum">Momentum at the start and end; in [0, 1].</param>
    /// <param name="divFactor">Initial rate = maxRate / divFactor; &gt; 0.</param>
    /// <param name="finalDivFactor">Final rate = initial rate / finalDivFactor; &gt; 0.</param>
    /// <param name="threePhase">Use the paper's three phases instead of fastai's two.</param>
    public OneCycleSchedule(
        double maxRate,
        int totalSteps,
        double percentStart = 0.3,
        AnnealStrategy annealStrategy = AnnealStrategy.Cosine,
        bool cycleMomentum = true,
        double baseMomentum = 0.85,
        double maxMomentum = 0.95,
        double divFactor = 25.0,
        double finalDivFactor = 1e4,
        bool threePhase = false)
    {
        Guard.NonNegative(maxRate, nameof(maxRate));
        Guard.PositiveInt(totalSteps, nameof(totalSteps));
        Guard.UnitInterval(percentStart, nameof(percentStart), inclusiveUpper: true);
        if (!Enum.IsDefined(annealStrategy))
        {
            throw new ArgumentOutOfRangeException(nameof(annealStrategy), annealStrategy, "annealStrategy must be Cosine or Linear.");
        }

        Guard.UnitInterval(baseMomentum, nameof(baseMomentum), inclusiveUpper: true);
        Guard.UnitInterval(maxMomentum, nameof(maxMomentum), inclusiveUpper: true);
        Guard.Positive(divFactor, nameof(divFactor));
        Guard.Positive(finalDivFactor, nameof(finalDivFactor));
        MaxRate = maxRate;
        TotalSteps = totalSteps;
        PercentStart = percentStart;
        Strategy = annealStrategy;
        CycleMomentum = cycleMomentum;
        BaseMomentum = baseMomentum;
        MaxMomentum = maxMomentum;
        DivFactor = divFactor;
        FinalDivFactor = finalDivFactor;
        ThreePhase = threePhase;
        InitialRate = maxRate / divFactor;
        FinalRate = InitialRate / finalDivFactor;

        _phases = threePhase
            ?
            [
                new((percentStart * totalSteps) - 1, InitialRate, maxRate, maxMomentum, baseMomentum),
                new((2 * percentStart * totalSteps) - 2, maxRate, InitialRate, baseMomentum, maxMomentum),
                new(totalSteps - 1, InitialRate, FinalRate, maxMomentum, maxMomentum),
            ]
            :
            [
                new((percentStart * totalSteps) - 1, InitialRate, maxRate, maxMomentum, baseMomentum),
                new(totalSteps - 1, maxRate, FinalRate, baseMomentum, maxMomentum),
            ];

        // A phase that starts where it ends would divide 0 by 0 at its last step (PyTorch raises
        // ZeroDivisionError there mid-run); refuse the setting now instead.
        double start = 0;
        foreach (var phase in _phases)
        {
            if (phase.End == start)
            {
                throw new ArgumentException(
                    $"percentStart = {Format(percentStart)} with totalSteps = {totalSteps} gives a phase of zero length ending at step {Format(phase.End)}; choose percentStart so that percentStart × totalSteps is not 1{(threePhase ? " (or totalSteps − 1 for the three-phase policy)" : string.Empty)}.",
                    nameof(percentStart));
            }

            start = phase.End;
        }
    }

    /// <summary>The peak rate (max_lr).</summary>
    public double MaxRate { get; }

    /// <summary>Steps in the cycle.</summary>
    public int TotalSteps { get; }

    /// <summary>Fraction of the cycle spent rising (pct_start).</summary>
    public double PercentStart { get; }

    /// <summary>Cosine or linear phases.</summary>
    public AnnealStrategy Strategy { get; }

    /// <summary>Whether the momentum coefficient is cycled.</summary>
    public bool CycleMomentum { get; }

    /// <summary>Momentum at the peak rate.</summary>
    public double BaseMomentum { get; }

    /// <summary>Momentum at the start and the end.</summary>
    public double MaxMomentum { get; }

    /// <summary>Initial rate = max / this.</summary>
    public double DivFactor { get; }

    /// <summary>Final rate = initial / this.</summary>
    public double FinalDivFactor { get; }

    /// <summary>Whether the paper's three-phase policy is used.</summary>
    public bool ThreePhase { get; }

    /// <summary>The rate at step 0 (max_lr / div_factor).</summary>
    public double InitialRate { get; }

    /// <summary>The rate at the last step (initial / final_div_factor).</summary>
    public double FinalRate { get; }

    /// <inheritdoc/>
    public override bool CyclesMomentum => CycleMomentum;

    /// <inheritdoc/>
    public override double RateAt(long step, double initialRate) => Evaluate(step, momentum: false);

    /// <inheritdoc/>
    public override double MomentumAt(long step, double initialMomentum) =>
        CycleMomentum ? Evaluate(step, momentum: true) : base.MomentumAt(step, initialMomentum);

    /// <inheritdoc/>
    public override string ToString() =>
        $"OneCycleLR(max_lr={Format(MaxRate)}, total_steps={TotalSteps}, pct_start={Format(PercentStart)}, anneal_strategy={(Strategy == AnnealStrategy.Cosine ? "cos" : "linear")}, cycle_momentum={CycleMomentum}, base_momentum={Format(BaseMomentum)}, max_momentum={Format(MaxMomentum)}, div_factor={Format(DivFactor)}, final_div_factor={Format(FinalDivFactor)}, three_phase={ThreePhase})";

    private double Evaluate(long step, bool momentum)
    {
        CheckStep(step);
        if (step > TotalSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"The one-cycle schedule covers steps 0 to {TotalSteps} (totalSteps); got {step}.");
        }

        double start = 0;
        for (int i = 0; i < _phases.Length; i++)
        {
            var phase = _phases[i];
            if (step <= phase.End || i == _phases.Length - 1)
            {
                // Step TotalSteps exists only as the state after the last update (PyTorch allows stepping the
                // scheduler there). PyTorch extrapolates the last phase one step past its end, which for a linear
                // anneal is below the final rate and can be negative (−1.6e-3 for max_lr 1, 60 steps, three phases);
                // no update ever uses that rate, so it is held at the phase's end instead of becoming invalid.
                double pct = Math.Min((step - start) / (phase.End - start), 1.0);
                return momentum
                    ? Anneal(phase.StartMomentum, phase.EndMomentum, pct)
                    : Anneal(phase.StartRate, phase.EndRate, pct);
            }

            start = phase.End;
        }

        throw new InvalidOperationException("Unreachable: the last phase always matches.");
    }

    private double Anneal(double start, double end, double pct) => Strategy == AnnealStrategy.Cosine
        ? end + ((start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1))
        : ((end - start) * pct) + start;

    private readonly record struct Phase(double End, double StartRate, double EndRate, double StartMomentum, double EndMomentum);
}
