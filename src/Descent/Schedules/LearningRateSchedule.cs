namespace Descent.Schedules;

/// <summary>
/// A learning-rate schedule: the rate to use at each optimizer step, as a pure function of the step
/// (0 is the first step) and of the group's initial rate (PyTorch's <c>initial_lr</c>).
/// </summary>
/// <remarks>
/// <para>
/// Every schedule has two forms, like PyTorch's schedulers. <see cref="RateAt"/> is the closed form
/// (PyTorch's <c>_get_closed_form_lr</c>); a <see cref="LearningRateScheduler"/> uses it, so a run
/// resumed at any step continues exactly. <see cref="NextRate"/> is PyTorch's chainable form
/// (<c>get_lr</c>): the rate at a step from the rate in force at the step before. PyTorch steps with
/// the chainable form, so the two differ in the last bits (≤ 1e-15 relative on the reference runs);
/// <see cref="ChainedSchedule"/> composes schedules through it and so reproduces PyTorch's arithmetic
/// bit for bit.
/// </para>
/// <para>
/// Schedules that set the rate absolutely (one-cycle, cyclic, lambda, warm restarts, warmup-cosine,
/// warmup-stable-decay) have one form and ignore the previous rate, as their PyTorch counterparts do.
/// Instances hold only settings (and, for folded forms, a cache), so one instance may drive several
/// groups, but not from several threads at once.
/// </para>
/// </remarks>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate for optimizer step <paramref name="step"/>.</summary>
    /// <param name="step">The step, 0 for the first; must be ≥ 0.</param>
    /// <param name="initialRate">The group's learning rate before any scheduling.</param>
    /// <returns>The rate the optimizer uses at that step.</returns>
    public abstract double RateAt(long step, double initialRate);

    /// <summary>
    /// PyTorch's chainable form: the rate at <paramref name="step"/> given the rate
    /// <paramref name="previousRate"/> in force before it (at step 0, the rate before this schedule applied).
    /// The default is the closed form, for schedules that set the rate absolutely.
    /// </summary>
    /// <param name="step">The step, ≥ 0.</param>
    /// <param name="previousRate">The rate in force before this step.</param>
    /// <param name="initialRate">The group's initial rate.</param>
    /// <returns>The rate at <paramref name="step"/>.</returns>
    public virtual double NextRate(long step, double previousRate, double initialRate) => RateAt(step, initialRate);

    /// <summary>Whether this schedule also sets the momentum coefficient (momentum, or beta1 for the Adam family).</summary>
    public virtual bool CyclesMomentum => false;

    /// <summary>
    /// The momentum coefficient for step <paramref name="step"/>: <paramref name="initialMomentum"/> unless
    /// <see cref="CyclesMomentum"/>.
    /// </summary>
    /// <param name="step">The step, ≥ 0.</param>
    /// <param name="initialMomentum">The group's coefficient before any scheduling.</param>
    /// <returns>The coefficient.</returns>
    public virtual double MomentumAt(long step, double initialMomentum)
    {
        CheckStep(step);
        return initialMomentum;
    }

    /// <summary>A one-line description with the settings, e.g. <c>StepLR(step_size=7, gamma=0.5)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => GetType().Name;

    /// <summary>Throws when <paramref name="step"/> is negative.</summary>
    /// <param name="step">The step.</param>
    protected static void CheckStep(long step)
    {
        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"A schedule is defined for steps ≥ 0; got {step}.");
        }
    }

    /// <summary>Formats a setting for <see cref="ToString"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The shortest round-trip form.</returns>
    protected static string Format(double value) => Guard.Format(value);
}
