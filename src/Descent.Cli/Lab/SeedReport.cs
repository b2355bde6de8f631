using System.Globalization;
using System.Text;
using Spectre.Console;

namespace Descent.Cli.Lab;

/// <summary>The seeds' summary as an HTML table, a console table and <c>seeds.csv</c>.</summary>
internal static class SeedReport
{
    private static readonly string[] Columns = ["optimizer", "seeds", "loss (mean of last 100)", "test accuracy"];

    public static string Html(MnistRecord record) => SummaryTable.Html(Title(record), Headers(record), Rows(record));

    public static Table Table(MnistRecord record) => SummaryTable.Console(Title(record), Headers(record), Rows(record));

    /// <summary>One row per optimizer and seed.</summary>
    public static string Csv(MnistRecord record)
    {
        var csv = new StringBuilder("optimizer,seed,final_loss_mean_last_100,test_accuracy,iterations_to_target,diverged_at\n");
        foreach (var seed in record.Repeats ?? [])
        {
            foreach (var run in seed.Runs)
            {
                long? reached = record.Target is double target && run.DivergedAt is null
                    ? SeedStatistics.IterationsToTarget(Plots.SmoothCurve(run.Loss), target)
                    : null;
                csv.Append(CultureInfo.InvariantCulture, $"\"{run.Label.Replace("\"", "\"\"", StringComparison.Ordinal)}\",{seed.Seed},{R(run.FinalLoss)},{(run.TestAccuracy is { } a ? R(a) : string.Empty)},{reached},{run.DivergedAt}\n");
            }
        }

        return csv.ToString();
    }

    private static string Title(MnistRecord record)
    {
        int seeds = record.Repeats?.Count ?? 1;
        string target = record.Target is double t ? string.Create(CultureInfo.InvariantCulture, $"; iterations until the smoothed loss first reaches {t}") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"Over {seeds} seed(s): mean ± std of the runs that completed{target}");
    }

    private static IEnumerable<string> Headers(MnistRecord record) =>
        record.Target is null ? Columns : Columns.Append("iterations to target");

    private static IEnumerable<string[]> Rows(MnistRecord record)
    {
        foreach (var s in SeedStatistics.Summarize(record))
        {
            string[] row =
            [
                s.Label,
                SeedStatistics.Runs(s),
                s.FinalLoss?.Format("F4") ?? "–",
                s.Accuracy is { } a ? (a with { Mean = a.Mean * 100, Std = a.Std * 100 }).Format("F2") + " %" : "–",
            ];
            yield return record.Target is null ? row : [.. row, SeedStatistics.ToTarget(s)];
        }
    }

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
