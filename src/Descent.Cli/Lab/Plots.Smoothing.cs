using System.Globalization;

namespace Descent.Cli.Lab;

/// <summary>
/// Long loss curves drawn readably. The book's <see cref="SmoothCurve"/> (an 11-point Kaiser window) is right for its
/// 2000 iterations, but over 20,000 and more the curve is a solid block of noise in which no trend can be seen. From
/// <see cref="LongRunIterations"/> points on, a curve is drawn as a moving median (robust against the spikes of a
/// noisy loss, and without the lag of an EMA) over a light band holding the raw values' range.
/// </summary>
internal static partial class Plots
{
    /// <summary>Curves at least this long are drawn as a moving median over a raw band; shorter ones as the book draws them.</summary>
    public const int LongRunIterations = 20_000;

    /// <summary>The band and the median are evaluated at this many evenly spaced points at most (a figure is ~800 pixels wide).</summary>
    public const int LongRunPoints = 1000;

    /// <summary>
    /// A long curve reduced for drawing: at each of <see cref="X"/> (iteration numbers), the range of the raw values in
    /// that bucket (<see cref="Low"/>–<see cref="High"/>) and the median of the <see cref="Window"/> raw values centred
    /// there (<see cref="Median"/>). Non-finite values are left out; a bucket with none is NaN (a gap).
    /// </summary>
    public sealed record LongCurve(double[] X, double[] Low, double[] High, double[] Median, int Window);

    /// <summary>The moving median's window for a curve of <paramref name="length"/> points: odd, about 1 % of the run, at least 101.</summary>
    public static int MedianWindow(int length) => Math.Max(101, (length / 200 * 2) + 1);

    /// <summary>How a long curve's smoothing is named in its figure (the axis label says it, so the figure explains itself).</summary>
    public static string LongRunCaption(int window) =>
        string.Create(CultureInfo.InvariantCulture, $"lines: moving median of {window:N0} iterations; bands: range of the raw loss");

    /// <summary>Reduces <paramref name="values"/> (one per iteration) to its band and moving median; see <see cref="LongCurve"/>.</summary>
    public static LongCurve SmoothLong(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        int points = Math.Min(n, LongRunPoints);
        int window = MedianWindow(n);
        double[] x = new double[points], low = new double[points], high = new double[points], median = new double[points];
        double[] scratch = new double[window];
        for (int p = 0; p < points; p++)
        {
            int start = (int)((long)p * n / points), end = (int)((long)(p + 1) * n / points);
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            foreach (double v in values[start..end])
            {
                if (double.IsFinite(v))
                {
                    lo = Math.Min(lo, v);
                    hi = Math.Max(hi, v);
                }
            }

            int centre = (start + end - 1) / 2;
            x[p] = centre;
            low[p] = double.IsFinite(lo) ? lo : double.NaN;
            high[p] = double.IsFinite(hi) ? hi : double.NaN;
            median[p] = Median(values[Math.Max(0, centre - (window / 2))..Math.Min(n, centre + (window / 2) + 1)], scratch);
        }

        return new LongCurve(x, low, high, median, window);
    }

    /// <summary>The median of the finite values (the mean of the middle two for an even count); NaN when there are none.</summary>
    private static double Median(ReadOnlySpan<double> values, double[] scratch)
    {
        int count = 0;
        foreach (double v in values)
        {
            if (double.IsFinite(v))
            {
                scratch[count++] = v;
            }
        }

        if (count == 0)
        {
            return double.NaN;
        }

        var finite = scratch.AsSpan(0, count);
        finite.Sort();
        return count % 2 == 1 ? finite[count / 2] : (finite[(count / 2) - 1] + finite[count / 2]) / 2;
    }
}
