using System.Globalization;
using System.Text;
using Descent.Functions;
using Descent.Randomness;
using Spectre.Console;

namespace Descent.Cli.Lab;

/// <summary>One seed of <c>compare-2d --seeds</c>: every optimizer's path from the start that seed drew.</summary>
internal sealed class TwoDSeedRecord
{
    public long Seed { get; set; }

    public double StartX { get; set; }

    public double StartY { get; set; }

    public List<TrajectoryRecord> Runs { get; set; } = [];
}

/// <summary>One optimizer over the seeds' random starts: final f (completed paths) and steps to the target.</summary>
internal sealed record TwoDSeedSummary(string Label, int Seeds, int Diverged, MeanStd? FinalValue, MeanStd? StepsToTarget, int ReachedTarget);

/// <summary>
/// <c>compare-2d --seeds K</c>: K runs per optimizer from random starts. Seed s draws its start uniformly from the box
/// centred on the start (the function's customary one, or <c>--start</c>) whose half-widths are a tenth of the plotted
/// range in x and in y, clamped to that range: MT19937 seeded with s, x first, then y.
/// </summary>
internal static class TwoDSeeds
{
    /// <summary>The box's half-width as a fraction of the plotted range's width.</summary>
    public const double BoxFraction = 0.1;

    /// <summary>The start seed <paramref name="seed"/> draws around <paramref name="centre"/>.</summary>
    public static (double X, double Y) Start(TestFunction function, (double X, double Y) centre, long seed)
    {
        var random = new MersenneTwister(checked((uint)seed));
        double Draw(double c, (double Min, double Max) range)
        {
            double half = BoxFraction * (range.Max - range.Min);
            return Math.Clamp(c + (half * ((2 * random.NextDouble()) - 1)), range.Min, range.Max);
        }

        double x = Draw(centre.X, function.XRange);
        return (x, Draw(centre.Y, function.YRange));
    }

    /// <summary>Runs every seed's comparison, the seeds in parallel across the cores; the record's own paths are the first seed's.</summary>
    public static TwoDRecord Run(TestFunction function, (double X, double Y) centre, int steps, IReadOnlyList<OptimizerSpec> specs, Conventions conventions, long seed, int seeds, double? target, CancellationToken stop)
    {
        var results = new TwoDSeedRecord[seeds];
        Parallel.For(0, seeds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, s =>
        {
            long current = seed + s;
            var start = Start(function, centre, current);
            results[s] = new TwoDSeedRecord
            {
                Seed = current,
                StartX = start.X,
                StartY = start.Y,
                Runs = TwoDExperiment.Run(function, start, steps, specs, conventions, stop).Runs,
            };
        });

        var record = TwoDExperiment.Record(function, centre, steps, conventions);
        record.Runs = results[0].Runs;
        record.Repeats = [.. results];
        record.Target = target;
        return record;
    }

    /// <summary>Steps done when f first falls to <paramref name="target"/> or below (0: at the start); null if it never does.</summary>
    public static int? StepsToTarget(IReadOnlyList<double> values, double target)
    {
        for (int k = 0; k < values.Count; k++)
        {
            if (values[k] <= target)
            {
                return k;
            }
        }

        return null;
    }

    public static IReadOnlyList<TwoDSeedSummary> Summarize(TwoDRecord record)
    {
        var repeats = record.Repeats ?? [];
        var summaries = new List<TwoDSeedSummary>();
        for (int k = 0; k < record.Runs.Count; k++)
        {
            var runs = repeats.Select(r => r.Runs[k]).ToList();
            var completed = runs.Where(r => r.DivergedAt is null).ToList();
            var reached = record.Target is double target
                ? completed.Select(r => StepsToTarget(r.Value, target)).OfType<int>().Select(i => (double)i).ToList()
                : [];
            summaries.Add(new TwoDSeedSummary(
                record.Runs[k].Label, runs.Count, runs.Count - completed.Count, MeanStd.Of([.. completed.Select(r => r.Value[^1])]), MeanStd.Of(reached), reached.Count));
        }

        return summaries;
    }

    /// <summary>Per step, the median, minimum and maximum of f over the seeds' paths that reach it.</summary>
    public static (double[] Median, double[] Low, double[] High) Band(TwoDRecord record, int optimizer) =>
        SeedStatistics.Band([.. (record.Repeats ?? []).Select(r => r.Runs[optimizer]).Where(r => r.DivergedAt is null).Select(r => r.Value)]);

    public static string Title(TwoDRecord record)
    {
        var repeats = record.Repeats ?? [];
        string seeds = repeats.Count == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"seeds {repeats[0].Seed}..{repeats[^1].Seed}");
        return string.Create(CultureInfo.InvariantCulture, $"{repeats.Count} random starts per optimizer ({seeds}): mean ± std over the completed paths");
    }

    public static Table Table(TwoDRecord record) => SummaryTable.Console(Title(record), Headers(record), Rows(record));

    public static string Html(TwoDRecord record) => SummaryTable.Html(
        Title(record),
        Headers(record),
        Rows(record),
        string.Create(CultureInfo.InvariantCulture, $"Each seed s draws its start uniformly from the box ({record.StartX} ± {BoxFraction:P0} of the x range, {record.StartY} ± {BoxFraction:P0} of the y range), MT19937 seeded with s; the paths of the first seed are drawn boldly, the others lightly."));

    /// <summary>trajectories_seeds.csv: every seed's paths, one point per line.</summary>
    public static string Csv(TwoDRecord record, Func<string, string> quote)
    {
        var csv = new StringBuilder("optimizer,seed,step,x,y,f\n");
        foreach (var seed in record.Repeats ?? [])
        {
            foreach (var run in seed.Runs)
            {
                for (int k = 0; k < run.X.Length; k++)
                {
                    csv.Append(CultureInfo.InvariantCulture, $"{quote(run.Label)},{seed.Seed},{k},{R(run.X[k])},{R(run.Y[k])},{R(run.Value[k])}\n");
                }
            }
        }

        return csv.ToString();
    }

    private static IEnumerable<string> Headers(TwoDRecord record) =>
        record.Target is double target
            ? ["optimizer", "seeds", "final f", string.Create(CultureInfo.InvariantCulture, $"steps to f ≤ {target}")]
            : ["optimizer", "seeds", "final f"];

    private static IEnumerable<string[]> Rows(TwoDRecord record) =>
        Summarize(record).Select(s =>
        {
            string runs = s.Diverged == 0 ? s.Seeds.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{s.Seeds} ({s.Diverged} diverged)");
            string final = s.FinalValue?.Format("G4") ?? "–";
            string steps = s.StepsToTarget is { } t ? string.Create(CultureInfo.InvariantCulture, $"{t.Format("F1")} ({s.ReachedTarget}/{s.Seeds} reached)") : "not reached";
            return record.Target is null ? new[] { s.Label, runs, final } : [s.Label, runs, final, steps];
        });

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
