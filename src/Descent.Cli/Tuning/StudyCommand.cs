using System.CommandLine;
using System.Globalization;
using Descent.Cli.Lab;
using Spectre.Console;

namespace Descent.Cli.Tuning;

/// <summary><c>descent study show FILE</c>: a tuning study's settings, trials and best configurations, and its budget plot.</summary>
internal static class StudyCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var file = new Argument<string>("FILE") { Description = "The study's SQLite file (descent tune --study FILE)." };
        var output = new Option<string?>("--out") { Description = "Also draw the budget plot (budget.png, budget.svg) into this folder.", HelpName = "DIR" };
        var show = new Command("show", "List a tuning study's trials and best configurations.");
        show.Arguments.Add(file);
        show.Options.Add(output);
        show.SetAction(parse => Show(console, parse.GetValue(file)!, parse.GetValue(output)));
        var study = new Command("study", "Inspect tuning studies (SQLite files written by descent tune).");
        study.Subcommands.Add(show);
        return study;
    }

    private static int Show(IAnsiConsole console, string path, string? output)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"'{path}' does not exist: expected a study file written by descent tune --study FILE.");
        }

        using var study = Study.Open(path);
        var settings = study.Settings();
        if (settings.Count == 0)
        {
            throw new UsageException($"'{path}' holds no tuning study.");
        }

        var trials = study.Trials();
        var about = new Table().Title("study " + Markup.Escape(path));
        about.AddColumns("setting", "value");
        foreach (var (key, value) in settings)
        {
            about.AddRow(Markup.Escape(key), Markup.Escape(value));
        }

        console.Write(about);
        var tune = new TuneRecord { Study = path, Plan = settings.GetValueOrDefault("plan", string.Empty) };
        foreach (var optimizer in trials.Select(t => t.Optimizer).Distinct(StringComparer.Ordinal))
        {
            var table = new Table().Title(Markup.Escape(optimizer));
            table.AddColumns("rung", "#", "configuration", "iterations", "state", "validation loss", "validation accuracy", "attempts");
            foreach (var t in trials.Where(t => t.Optimizer == optimizer))
            {
                table.AddRow(
                    t.Rung.ToString(CultureInfo.InvariantCulture),
                    t.ConfigIndex.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(t.Spec),
                    t.Iterations.ToString(CultureInfo.InvariantCulture),
                    t.State.ToString().ToLowerInvariant(),
                    t.ValidationLoss?.ToString("F4", CultureInfo.InvariantCulture) ?? "–",
                    t.ValidationAccuracy?.ToString("P2", CultureInfo.InvariantCulture) ?? "–",
                    t.Attempts.ToString(CultureInfo.InvariantCulture));
            }

            console.Write(table);
            var best = Tuner.Best(trials, optimizer);
            console.MarkupLineInterpolated($"  best {optimizer}: {(best is null ? "none yet (no completed trial in the last rung reached so far)" : best.Spec + ", validation loss " + best.ValidationLoss?.ToString("F4", CultureInfo.InvariantCulture))}");
            var (spent, bestSoFar) = Tuner.BudgetCurve(trials, optimizer);
            tune.Optimizers.Add(new TunedOptimizerRecord { Optimizer = optimizer, Tuned = best?.Spec, BudgetSpent = spent, BudgetBest = bestSoFar });
        }

        if (output is not null)
        {
            Directory.CreateDirectory(output);
            LabFonts.EnsureInstalled();
            var files = new List<string>();
            Plots.DrawBudget(tune, Path.Combine(output, "budget"), files);
            console.MarkupLineInterpolated($"Budget plot: [bold]{Path.GetFullPath(files[0])}[/]");
        }

        return 0;
    }
}
