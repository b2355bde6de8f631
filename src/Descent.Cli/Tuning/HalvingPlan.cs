using System.Globalization;
using Descent.Cli.Lab;

namespace Descent.Cli.Tuning;

/// <summary>One rung of successive halving: how many configurations train, and for how many iterations each.</summary>
internal readonly record struct Rung(int Index, int Configurations, int Iterations);

/// <summary>
/// Successive halving (Jamieson and Talwalkar 2016; the synchronous form of ASHA, Li et al. 2020): rung k trains
/// n₀/ηᵏ configurations for R/η^(s−k) iterations each and keeps the best 1/η by validation loss. Every rung costs
/// about n₀·r₀, so n₀ is the largest multiple of η^s whose s + 1 rungs fit the per-optimizer budget. Synchronous,
/// not asynchronous, promotion: a rung is decided only when all its trials are in, so the study does not depend on
/// which process finished first — a resumed or shared study ends exactly as an uninterrupted one.
/// </summary>
internal sealed record HalvingPlan(long Budget, int MaxIterations, int Eta, IReadOnlyList<Rung> Rungs)
{
    public long Cost => Rungs.Sum(r => (long)r.Configurations * r.Iterations);

    /// <exception cref="UsageException">The budget cannot pay for one configuration per rung.</exception>
    public static HalvingPlan Create(long budget, int maxIterations, int eta, int rungCount)
    {
        int s = rungCount - 1;
        var iterations = new int[rungCount];
        for (int k = 0; k <= s; k++)
        {
            iterations[k] = Math.Max(1, (int)Math.Round(maxIterations / Math.Pow(eta, s - k)));
        }

        long top = (long)Math.Pow(eta, s);
        long perConfigurationUnit = 0;
        for (int k = 0; k <= s; k++)
        {
            perConfigurationUnit += (long)(top / (long)Math.Pow(eta, k)) * iterations[k];
        }

        long units = budget / perConfigurationUnit;
        if (units < 1)
        {
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"--budget {budget} iterations is too small for {rungCount} rungs with η = {eta} up to {maxIterations} iterations: it needs at least {perConfigurationUnit}. Raise --budget, or lower --iterations or --rungs."));
        }

        var rungs = new Rung[rungCount];
        for (int k = 0; k <= s; k++)
        {
            rungs[k] = new Rung(k, checked((int)(units * top / (long)Math.Pow(eta, k))), iterations[k]);
        }

        return new HalvingPlan(budget, maxIterations, eta, rungs);
    }

    public override string ToString() =>
        string.Join(" → ", Rungs.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Configurations}×{r.Iterations}")))
        + string.Create(CultureInfo.InvariantCulture, $" iterations ({Cost} of {Budget})");
}
