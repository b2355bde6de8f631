using System.Globalization;
using System.Numerics;
using Descent.Cli.Lab;
using Spectre.Console;

namespace Descent.Cli.Tuning;

/// <summary>Everything that defines a study: the same setup in every process that shares the study file.</summary>
internal sealed record TuneSetup(
    MnistSettings Settings,
    bool UseDouble,
    IReadOnlyList<SearchSpace> Spaces,
    HalvingPlan Plan,
    double ValidationFraction,
    string DataDescription)
{
    /// <summary>The settings stored in the study and compared when another process joins it.</summary>
    public Dictionary<string, string> Describe() => new(StringComparer.Ordinal)
    {
        ["version"] = "1",
        ["network"] = Settings.NetworkDescription,
        ["batch size"] = Settings.BatchSize.ToString(CultureInfo.InvariantCulture),
        ["precision"] = UseDouble ? "float64" : "float32",
        ["conventions"] = Settings.Conventions.ToString(),
        ["seed"] = Settings.Seed.ToString(CultureInfo.InvariantCulture),
        ["data"] = DataDescription,
        ["validation"] = ValidationFraction.ToString("R", CultureInfo.InvariantCulture),
        ["spaces"] = string.Join("  ", Spaces),
        ["plan"] = Plan.ToString(),
        ["eta"] = Plan.Eta.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The next rung's size, for promotions; null past the last rung.</summary>
    public (int Count, int Iterations)? NextRung(int rung) =>
        rung < Plan.Rungs.Count ? (Plan.Rungs[rung].Configurations, Plan.Rungs[rung].Iterations) : null;

    public IEnumerable<(string Optimizer, int ConfigIndex, string Spec, int Iterations)> FirstRung()
    {
        for (int k = 0; k < Spaces.Count; k++)
        {
            for (int i = 0; i < Plan.Rungs[0].Configurations; i++)
            {
                yield return (Spaces[k].Optimizer, i, Spaces[k].Sample(Settings.Seed, k, i).Text, Plan.Rungs[0].Iterations);
            }
        }
    }

    /// <summary>True once every optimizer's last rung is fully trained.</summary>
    public bool IsDone(IReadOnlyList<Trial> trials)
    {
        var top = Plan.Rungs[^1];
        return Spaces.All(s => trials.Count(t => t.Optimizer == s.Optimizer && t.Rung == top.Index && t.State is TrialState.Complete or TrialState.Diverged) == top.Configurations);
    }
}

/// <summary>
/// Runs a study's trials on several threads of this process (other processes may work on the same file) until every
/// rung of every optimizer is trained. Each trial trains from scratch for its rung's iterations with the study's seed,
/// so a trial gives the same result whichever process runs it, and a rerun after a crash changes nothing.
/// </summary>
internal static class Tuner
{
    /// <summary>How long a running trial's owner may stay silent before another process takes the trial over.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(60);

    public static void Work(IAnsiConsole console, string studyPath, TuneSetup setup, LabData validationSplit, int threads, CancellationToken cancel)
    {
        if (setup.UseDouble)
        {
            Work(console, studyPath, setup, ScaledData<double>.From(validationSplit), threads, cancel);
        }
        else
        {
            Work(console, studyPath, setup, ScaledData<float>.From(validationSplit), threads, cancel);
        }
    }

    private static void Work<T>(IAnsiConsole console, string studyPath, TuneSetup setup, ScaledData<T> split, int threads, CancellationToken cancel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string owner = Study.ThisProcess;
        var gate = new object();
        using var beat = new Study.HeartbeatTimer(studyPath, owner, TimeSpan.FromSeconds(5));
        var workers = Enumerable.Range(0, Math.Max(1, threads)).Select(_ => Task.Factory.StartNew(
            () =>
            {
                using var study = Study.Open(studyPath);
                while (!cancel.IsCancellationRequested)
                {
                    var trial = study.Claim(owner, StaleAfter);
                    if (trial is null)
                    {
                        if (setup.IsDone(study.Trials()))
                        {
                            return;
                        }

                        // Others hold the remaining trials; a rung opens when they finish (or are found gone).
                        Thread.Sleep(200);
                        continue;
                    }

                    LossCurveRecord result;
                    using (setup.Settings.FlushDenormals ? LabDenormals.FlushOnThisThread() : null)
                    {
                        result = TrialRunner.Train(split, setup.Settings, OptimizerSpec.Parse(trial.Spec), trial.Iterations, cancel);
                    }

                    if (cancel.IsCancellationRequested)
                    {
                        // A trial cut short by Ctrl-C is not a result: it goes back to pending, and a later tune trains it whole.
                        study.Release(trial, owner);
                        return;
                    }

                    bool diverged = result.DivergedAt is not null || result.TestLoss is not double l || !double.IsFinite(l);
                    bool kept = study.Complete(trial, owner, diverged, result.TestLoss, result.TestAccuracy, result.Loss, result.Seconds, setup.NextRung);
                    lock (gate)
                    {
                        console.MarkupLineInterpolated(
                            $"  {trial.Optimizer} rung {trial.Rung} #{trial.ConfigIndex} {trial.Spec}, {trial.Iterations} it: {(diverged ? "diverged" : "validation loss " + result.TestLoss?.ToString("F4", CultureInfo.InvariantCulture))}{(kept ? string.Empty : " (taken over by another process; discarded)")}");
                    }
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();
        try
        {
            Task.WaitAll(workers, CancellationToken.None);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>Per optimizer, the best trial of the last rung (lowest validation loss; ties to the lower configuration index); null when all diverged.</summary>
    public static Trial? Best(IReadOnlyList<Trial> trials, string optimizer)
    {
        int top = trials.Where(t => t.Optimizer == optimizer).Select(t => t.Rung).DefaultIfEmpty(0).Max();
        return trials.Where(t => t.Optimizer == optimizer && t.Rung == top && t.State == TrialState.Complete && t.ValidationLoss is not null)
            .OrderBy(t => t.ValidationLoss).ThenBy(t => t.ConfigIndex).FirstOrDefault();
    }

    /// <summary>
    /// Best-so-far validation loss against iterations spent, trials taken in the plan's order (rung, then
    /// configuration): the same curve however the trials were scheduled.
    /// </summary>
    public static (double[] Spent, double[] BestSoFar) BudgetCurve(IReadOnlyList<Trial> trials, string optimizer)
    {
        var ordered = trials.Where(t => t.Optimizer == optimizer && t.State is TrialState.Complete or TrialState.Diverged)
            .OrderBy(t => t.Rung).ThenBy(t => t.ConfigIndex).ToList();
        double[] spent = new double[ordered.Count], best = new double[ordered.Count];
        double total = 0, low = double.PositiveInfinity;
        for (int i = 0; i < ordered.Count; i++)
        {
            total += ordered[i].Iterations;
            low = Math.Min(low, ordered[i].ValidationLoss ?? double.PositiveInfinity);
            spent[i] = total;
            best[i] = low;
        }

        return (spent, best);
    }
}
