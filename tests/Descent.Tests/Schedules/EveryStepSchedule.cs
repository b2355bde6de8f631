using Descent.Optimizers;
using Descent.Schedules;

namespace Descent.Tests.Schedules;

/// <summary>
/// The schedule every allocation test attaches, so that "Step() allocates nothing" holds for a scheduled run: the
/// rate changes every step and, where every group has a momentum coefficient in use, one-cycle moves that too (a
/// coefficient of 0 stays, so that optimizers without momentum keep their own kernel).
/// </summary>
internal static class EveryStepSchedule
{
    /// <summary>Attaches the schedule to every group of <paramref name="optimizer"/>.</summary>
    /// <param name="optimizer">The optimizer, its groups all added.</param>
    /// <returns>The scheduler; call its <see cref="LearningRateScheduler.Step"/> after each optimizer step.</returns>
    public static LearningRateScheduler Attach(IScheduledOptimizer optimizer) => new(optimizer, For(CyclesMomentum(optimizer)));

    /// <summary>Whether <see cref="Attach"/> cycles the momentum of <paramref name="optimizer"/>.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <returns><see langword="true"/> when every group has a momentum coefficient in use.</returns>
    public static bool CyclesMomentum(IScheduledOptimizer optimizer) =>
        optimizer.ParameterGroups.All(g => g.Options is IMomentumOptions { MomentumCoefficient: > 0 });

    /// <summary>One-cycle with momentum cycling when <paramref name="momentum"/>, else cosine annealing.</summary>
    /// <param name="momentum">Whether the groups have a momentum coefficient to cycle.</param>
    /// <returns>The schedule.</returns>
    public static LearningRateSchedule For(bool momentum) => momentum
        ? new OneCycleSchedule(maxRate: 1e-2, totalSteps: 1000)
        : new CosineAnnealingSchedule(period: 100);

    /// <summary>Each group's rate and, where <see cref="Attach"/> cycles it, momentum coefficient (else NaN), to show that the schedule moved them.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <returns>The values, group by group.</returns>
    public static (double Rate, double Momentum)[] Values(IScheduledOptimizer optimizer)
    {
        bool cycled = CyclesMomentum(optimizer);
        return [.. optimizer.ParameterGroups.Select(g => (g.LearningRate, cycled ? g.MomentumCoefficient : double.NaN))];
    }

    /// <summary>Asserts that every rate, and every cycled momentum coefficient, differs from <paramref name="before"/>.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="before">Its <see cref="Values"/> before the measured steps.</param>
    public static void AssertMoved(IScheduledOptimizer optimizer, (double Rate, double Momentum)[] before)
    {
        var after = Values(optimizer);
        for (int i = 0; i < after.Length; i++)
        {
            Assert.NotEqual(before[i].Rate, after[i].Rate);
            if (!double.IsNaN(before[i].Momentum))
            {
                Assert.NotEqual(before[i].Momentum, after[i].Momentum);
            }
        }
    }
}
