namespace Descent.Data;

/// <summary>Summary statistics of a set of 8-bit pixels, in raw units (0 to 255).</summary>
/// <param name="Count">The number of pixels.</param>
/// <param name="Mean">The mean pixel value.</param>
/// <param name="StandardDeviation">The population standard deviation (divisor <see cref="Count"/>, as NumPy's <c>std</c>).</param>
/// <param name="Min">The smallest pixel value.</param>
/// <param name="Max">The largest pixel value.</param>
public readonly record struct PixelStatistics(long Count, double Mean, double StandardDeviation, byte Min, byte Max)
{
    /// <summary>Computes the statistics exactly, from a histogram of the 256 possible values.</summary>
    /// <param name="pixels">The pixels.</param>
    /// <returns>The statistics; for no pixels, a count of 0, mean and deviation NaN, min and max 0.</returns>
    public static PixelStatistics Of(ReadOnlySpan<byte> pixels)
    {
        Span<long> histogram = stackalloc long[256];
        foreach (byte p in pixels)
        {
            histogram[p]++;
        }

        if (pixels.IsEmpty)
        {
            return new PixelStatistics(0, double.NaN, double.NaN, 0, 0);
        }

        // Integer sums are exact; only the final division and square root round.
        long sum = 0;
        int min = 255, max = 0;
        for (int v = 0; v < 256; v++)
        {
            if (histogram[v] == 0)
            {
                continue;
            }

            sum += v * histogram[v];
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        double mean = (double)sum / pixels.Length;
        double squares = 0;
        for (int v = 0; v < 256; v++)
        {
            double d = v - mean;
            squares += histogram[v] * d * d;
        }

        return new PixelStatistics(pixels.Length, mean, Math.Sqrt(squares / pixels.Length), (byte)min, (byte)max);
    }
}
