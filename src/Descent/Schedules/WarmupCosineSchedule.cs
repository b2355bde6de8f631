namespace Descent.Schedules;

/// <summary>
/// Linear warmup, then cosine decay to the end of the run: the rate rises linearly from
/// η₀·<see cref="WarmupDecaySchedule.WarmupStartFactor"/> (step 0) towards η₀ (reached at step <see cref="WarmupDecaySchedule.WarmupSteps"/>), then
/// follows half a cosine down to η₀·<see cref="WarmupDecaySchedule.FinalFactor"/> at step <see cref="TotalSteps"/>, and stays
/// there. The shape of Optax's <c>warmup_cosine_decay_schedule</c> (its <c>decay_steps</c> is
/// <see cref="TotalSteps"/>) and of Hugging Face's <c>get_cosine_schedule_with_warmup</c>, relative to the
/// group's initial rate:
/// <code>
/// t &lt; W:      η₀ (s + (1 − s) t / W)
/// W ≤ t &lt; T:  η₀ (f + (1 − f)(1 + cos(π (t − W) / (T − W))) / 2)
/// t ≥ T:      η₀ f
/// </code>
/// </summary>
public sealed class WarmupCosineSchedule : WarmupDecaySchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="warmupSteps">Steps of linear warmup; ≥ 0 and ≤ <paramref name="totalSteps"/>.</param>
    /// <param name="totalSteps">Length of the run (warmup included); ≥ 1.</param>
    /// <param name="warmupStartFactor">Fraction of the initial rate at step 0; in [0, 1].</param>
    /// <param name="finalFactor">Fraction of the initial rate at the end; in [0, 1].</param>
    public WarmupCosineSchedule(int warmupSteps, int totalSteps, double warmupStartFactor = 0, double finalFactor = 0)
        : base(warmupSteps, warmupStartFactor, finalFactor)
    {
        Guard.PositiveInt(totalSteps, nameof(totalSteps));
        if (warmupSteps > totalSteps)
        {
            throw new ArgumentOutOfRangeException(
                nameof(warmupSteps), warmupSteps, $"warmupSteps ({warmupSteps}) must not exceed totalSteps ({totalSteps}): the warmup would be longer than the run.");
        }

        TotalSteps = totalSteps;
    }

    /// <summary>Length of the run, warmup included.</summary>
    public int TotalSteps { get; }

    private protected override double AfterWarmup(long step, double initialRate)
    {
        if (step >= TotalSteps)
        {
            return initialRate * FinalFactor;
        }

        double cosine = (1 + Math.Cos(Math.PI * (step - WarmupSteps) / (TotalSteps - WarmupSteps))) / 2;
        return initialRate * (FinalFactor + ((1 - FinalFactor) * cosine));
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"WarmupCosine(warmup_steps={WarmupSteps}, total_steps={TotalSteps}, warmup_start_factor={Format(WarmupStartFactor)}, final_factor={Format(FinalFactor)})";
}
