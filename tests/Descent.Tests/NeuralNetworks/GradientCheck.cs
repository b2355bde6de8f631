namespace Descent.Tests.NeuralNetworks;

/// <summary>Central differences in double: the reference every backward pass is checked against.</summary>
internal static class GradientCheck
{
    public const double Step = 1e-5;

    /// <summary>
    /// ‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖) for the derivative of <paramref name="loss"/> with
    /// respect to every entry of <paramref name="values"/> (perturbed in place and restored).
    /// </summary>
    public static double RelativeError(Func<double> loss, Memory<double> values, ReadOnlySpan<double> analytic)
    {
        Assert.Equal(values.Length, analytic.Length);
        var numeric = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double saved = values.Span[i];
            values.Span[i] = saved + Step;
            double plus = loss();
            values.Span[i] = saved - Step;
            double minus = loss();
            values.Span[i] = saved;
            numeric[i] = (plus - minus) / (2 * Step);
        }

        double diff = 0, a = 0, n = 0;
        for (int i = 0; i < numeric.Length; i++)
        {
            diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
            a += analytic[i] * analytic[i];
            n += numeric[i] * numeric[i];
        }

        // A gradient that is zero in exact arithmetic (a bias just before batch normalisation, whose shift the
        // normalisation removes) has only rounding noise on both sides: compare it absolutely.
        double scale = Math.Max(Math.Sqrt(a), Math.Sqrt(n));
        return scale < 1e-9 ? Math.Sqrt(diff) : Math.Sqrt(diff) / scale;
    }

    public static double[] Normal(int length, int seed, double scale = 1)
    {
        var random = new Random(seed);
        var result = new double[length];
        for (int i = 0; i < length; i++)
        {
            // Box–Muller; values well away from 0 are not needed, ReLU kinks are rare at this density.
            double u = 1 - random.NextDouble();
            double v = random.NextDouble();
            result[i] = scale * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
        }

        return result;
    }
}
