namespace Descent.Training;

/// <summary>How a <see cref="TrainingLoop{T}"/> run ended.</summary>
public enum TrainingStatus
{
    /// <summary>Every requested step ran.</summary>
    Completed,

    /// <summary>Cancellation was requested; the loop stopped at a step boundary.</summary>
    Interrupted,

    /// <summary>The loss (or, past the pipeline's allowance, the gradients) became NaN or ∞.</summary>
    Diverged,
}

/// <summary>The outcome of a <see cref="TrainingLoop{T}.Run"/>: how it ended and the loss curve so far.</summary>
/// <param name="Status">Completed, interrupted or diverged.</param>
/// <param name="Steps">Steps done, counting any before a resume.</param>
/// <param name="Losses">One recorded loss per finite step, from step 0 (including those before a resume).</param>
/// <param name="Seconds">Wall-clock seconds of this run (not of earlier runs before a resume).</param>
/// <param name="DivergedAt">For a diverged run, the 0-based index of the step whose loss or gradients were not finite.</param>
/// <param name="DivergedLoss">For a diverged run, the loss recorded at that step (NaN or ∞; it is not in <paramref name="Losses"/>).</param>
public sealed record TrainingResult(
    TrainingStatus Status,
    long Steps,
    IReadOnlyList<double> Losses,
    double Seconds,
    long? DivergedAt = null,
    double? DivergedLoss = null);
