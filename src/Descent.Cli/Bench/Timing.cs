using System.Diagnostics;

namespace Descent.Cli.Bench;

/// <summary>Min, median and max of a timing, in milliseconds per call.</summary>
internal readonly record struct Timing(double Min, double Median, double Max)
{
    /// <summary>
    /// Times <paramref name="repetitions"/> repetitions (at least one) of <paramref name="calls"/> back-to-back calls
    /// each, already warmed up; a repetition's time is divided by its calls.
    /// </summary>
    public static Timing Repeat(Action body, int calls, int repetitions)
    {
        double[] ms = new double[Math.Max(1, repetitions)];
        for (int r = 0; r < ms.Length; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int c = 0; c < calls; c++)
            {
                body();
            }

            ms[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds / calls;
        }

        return Of(ms);
    }

    /// <summary>The timing of repetitions measured in milliseconds per call; sorts <paramref name="ms"/> in place.</summary>
    public static Timing Of(double[] ms)
    {
        Array.Sort(ms);
        return new Timing(ms[0], MiddleOf(ms), ms[^1]);
    }

    /// <summary>The median of sorted values: the middle one, or for an even count the mean of the two middle ones.</summary>
    public static double MiddleOf(ReadOnlySpan<double> sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]);
}
