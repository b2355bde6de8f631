using Descent.Pipeline;

namespace Descent.Training;

/// <summary>What one step of a <see cref="TrainingLoop{T}"/> did, as observers see it.</summary>
/// <param name="Step">Steps done, this one included (1 after the first).</param>
/// <param name="Loss">The loss recorded for this step (see <see cref="LossRecording"/>).</param>
/// <param name="Outcome">Whether the pipeline applied, accumulated or skipped the gradients.</param>
public readonly record struct StepReport(long Step, double Loss, StepOutcome Outcome);

/// <summary>
/// Watches a <see cref="TrainingLoop{T}"/>: logging, progress, diagnostics, checkpoints. Every method has an
/// empty default, so an observer writes only what it needs. Observers run on the training thread, in the
/// order given, between steps: the network and pipeline are consistent while they run.
/// </summary>
public interface ITrainingObserver
{
    /// <summary>Called once before the first step of <see cref="TrainingLoop{T}.Run"/> (after a resume, at its step).</summary>
    /// <param name="step">Steps already done.</param>
    void OnStart(long step)
    {
    }

    /// <summary>
    /// Called in every step before the update, with the weights still those before it. With an update pipeline the
    /// gradient buffers then hold the step's gradients (after the reducer, before clipping); a closure-driven optimizer
    /// has not evaluated them yet.
    /// </summary>
    /// <param name="index">The index of the step about to update (0 for the first).</param>
    void BeforeUpdate(long index)
    {
    }

    /// <summary>Called after every step.</summary>
    /// <param name="report">The step.</param>
    void OnStep(in StepReport report)
    {
    }

    /// <summary>
    /// Called after the step with 0-based index <paramref name="index"/> when the evaluation period falls on it
    /// (see <see cref="TrainingLoopOptions{T}.EvaluateEvery"/>).
    /// </summary>
    /// <param name="index">The index of the step just done (0 for the first).</param>
    void OnEvaluation(long index)
    {
    }

    /// <summary>Called once when the run ends: completed, interrupted or diverged.</summary>
    /// <param name="result">The result.</param>
    void OnEnd(TrainingResult result)
    {
    }
}
