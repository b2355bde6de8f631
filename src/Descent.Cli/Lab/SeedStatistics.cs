using System.Globalization;

namespace Descent.Cli.Lab;

/// <summary>A mean with its sample standard deviation (n − 1 in the denominator; 0 for one value) over <see cref="Count"/> values.</summary>
internal readonly record struct MeanStd(double Mean, double Std, int Count)
{
    public static MeanStd? Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        double mean = values.Average();
        double squares = values.Sum(v => (v - mean) * (v - mean));
        return new MeanStd(mean, values.Count > 1 ? Math.Sqrt(squares / (values.Count - 1)) : 0, values.Count);
    }

    public string Format(string format) =>
        Count > 1
            ? string.Create(CultureInfo.InvariantCulture, $"{Mean.ToString(format, CultureInfo.InvariantCulture)} ± {Std.ToString(format, CultureInfo.InvariantCulture)}")
            : Mean.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>
/// One optimizer over K seeds: the statistics of its completed runs and the band of its smoothed loss curves
/// (median, and min–max across seeds at each iteration).
/// </summary>
internal sealed record SeedSummary(
    string Label,
    int Seeds,
    int Diverged,
    MeanStd? FinalLoss,
    MeanStd? Accuracy,
    MeanStd? IterationsToTarget,
    int ReachedTarget,
    double[] Median,
    double[] Low,
    double[] High);

/// <summary>Summarises the seeds of an MNIST comparison per optimizer (the report's mean ± std table and band plot).</summary>
internal static class SeedStatistics
{
    public static IReadOnlyList<SeedSummary> Summarize(MnistRecord record)
    {
        var repeats = record.Repeats ?? [new SeedRunsRecord { Runs = record.Runs }];
        var summaries = new List<SeedSummary>();
        for (int k = 0; k < record.Runs.Count; k++)
        {
            var runs = repeats.Select(r => r.Runs[k]).ToList();
            var completed = runs.Where(r => r.DivergedAt is null).ToList();
            var smoothed = completed.Select(r => Plots.SmoothCurve(r.Loss)).ToList();
            var reached = record.Target is double target
                ? smoothed.Select(c => IterationsToTarget(c, target)).OfType<long>().Select(i => (double)i).ToList()
                : [];
            var (median, low, high) = Band(smoothed);
            summaries.Add(new SeedSummary(
                record.Runs[k].Label,
                runs.Count,
                runs.Count - completed.Count,
                MeanStd.Of([.. completed.Select(r => r.FinalLoss)]),
                MeanStd.Of([.. completed.Where(r => r.TestAccuracy is not null).Select(r => r.TestAccuracy!.Value)]),
                MeanStd.Of(reached),
                reached.Count,
                median,
                low,
                high));
        }

        return summaries;
    }

    /// <summary>Iterations done when <paramref name="smoothedLoss"/> first falls to <paramref name="target"/> or below; null if it never does.</summary>
    public static long? IterationsToTarget(IReadOnlyList<double> smoothedLoss, double target)
    {
        for (int i = 0; i < smoothedLoss.Count; i++)
        {
            if (smoothedLoss[i] <= target)
            {
                return i + 1;
            }
        }

        return null;
    }

    /// <summary>Per iteration, the median, minimum and maximum over the curves that reach it.</summary>
    public static (double[] Median, double[] Low, double[] High) Band(IReadOnlyList<double[]> curves)
    {
        int length = curves.Count == 0 ? 0 : curves.Max(c => c.Length);
        double[] median = new double[length], low = new double[length], high = new double[length];
        var column = new List<double>(curves.Count);
        for (int i = 0; i < length; i++)
        {
            column.Clear();
            column.AddRange(curves.Where(c => i < c.Length).Select(c => c[i]));
            column.Sort();
            int n = column.Count;
            median[i] = n % 2 == 1 ? column[n / 2] : (column[(n / 2) - 1] + column[n / 2]) / 2;
            low[i] = column[0];
            high[i] = column[^1];
        }

        return (median, low, high);
    }

    /// <summary>"5 seeds" with the diverged count when any.</summary>
    public static string Runs(SeedSummary s) =>
        s.Diverged == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{s.Seeds}")
            : string.Create(CultureInfo.InvariantCulture, $"{s.Seeds} ({s.Diverged} diverged)");

    /// <summary>"1234 ± 56 (4/5 reached)", or "not reached".</summary>
    public static string ToTarget(SeedSummary s) =>
        s.IterationsToTarget is { } t
            ? string.Create(CultureInfo.InvariantCulture, $"{t.Format("F0")} ({s.ReachedTarget}/{s.Seeds} reached)")
            : "not reached";
}
