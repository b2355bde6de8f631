using System.Numerics;
using Descent.Cli.Lab;
using Descent.Data;
using Descent.Pipeline;
using Descent.Randomness;
using Descent.Schedules;
using Descent.Training;

namespace Descent.Cli.Tuning;

/// <summary>The range test's curve and what it suggests.</summary>
/// <param name="Rates">The learning rate of each step.</param>
/// <param name="Losses">The loss after each step, on its batch.</param>
/// <param name="Smoothed">The debiased exponential average of <paramref name="Losses"/> (β = 0.98).</param>
/// <param name="Stopped">The step at which the smoothed loss passed 4 × its minimum (the run stopped there), or null.</param>
/// <param name="Steepest">The step where the smoothed loss falls fastest against log(rate).</param>
/// <param name="Valley">fastai's "valley": a third and a half into the longest decreasing stretch of the smoothed loss.</param>
internal sealed record LrFindResult(double[] Rates, double[] Losses, double[] Smoothed, int? Stopped, int Steepest, int Valley);

/// <summary>
/// The learning-rate range test (Smith 2017, "Cyclical learning rates"; fastai's <c>lr_find</c>): one run of the
/// library's training loop with the rate multiplied by a constant each step (PyTorch's ExponentialLR) from
/// <c>min</c> to <c>max</c>, stopped by an observer once the smoothed loss explodes.
/// </summary>
internal static class LrFinder
{
    private const double Beta = 0.98;

    public static LrFindResult Run<T>(LabData data, MnistSettings settings, OptimizerSpec spec, double min, double max, int steps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new MersenneTwister(checked((uint)settings.Seed));
        var network = MnistExperiment.Build<T>(settings, random);
        int[] indices = new int[checked(steps * settings.BatchSize)];
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = random.NextInt(data.TrainCount);
        }

        var rated = spec with { Options = [.. spec.Options.Where(o => !o.Key.Equals("lr", StringComparison.OrdinalIgnoreCase)), new("lr", min.ToString("R", System.Globalization.CultureInfo.InvariantCulture))] };
        double gamma = Math.Pow(max / min, 1.0 / Math.Max(1, steps - 1));
        var pipeline = UpdatePipeline.For(network.Parameters)
            .Optimizer(LabOptimizers.Create(rated, network.Parameters, settings.Conventions))
            .Schedule(new ExponentialSchedule(gamma))
            .Build();
        var train = data.TrainSet<T>();
        using var stop = new CancellationTokenSource();
        var watch = new ExplosionWatch(stop);
        var loop = new TrainingLoop<T>(network, pipeline, new IndexedBatches<T>(train, settings.BatchSize, indices), MnistExperiment.LoopOptions<T>(settings, watch));
        using (settings.FlushDenormals ? LabDenormals.FlushOnThisThread() : null)
        {
            loop.Run(steps, stop.Token);
        }

        double[] losses = [.. loop.Losses];
        double[] rates = [.. Enumerable.Range(0, losses.Length).Select(i => min * Math.Pow(gamma, i))];
        double[] smoothed = Smooth(losses);
        int usable = watch.ExplodedAt ?? losses.Length;
        return new LrFindResult(rates, losses, smoothed, watch.ExplodedAt, Steepest(smoothed.AsSpan(0, usable)), Valley(smoothed.AsSpan(0, usable)));
    }

    /// <summary>fastai's smoothing: an exponential moving average with β = 0.98, divided by 1 − βⁱ⁺¹ so the first values are not pulled to 0.</summary>
    public static double[] Smooth(IReadOnlyList<double> losses)
    {
        double[] result = new double[losses.Count];
        double average = 0;
        for (int i = 0; i < losses.Count; i++)
        {
            average = (Beta * average) + ((1 - Beta) * losses[i]);
            result[i] = average / (1 - Math.Pow(Beta, i + 1));
        }

        return result;
    }

    /// <summary>The index of the most negative slope (central differences, one-sided at the ends, as <c>np.gradient</c>); steps are equal in log(rate).</summary>
    public static int Steepest(ReadOnlySpan<double> smoothed)
    {
        if (smoothed.Length < 2)
        {
            return 0;
        }

        int best = 0;
        double steepest = double.PositiveInfinity;
        for (int i = 0; i < smoothed.Length; i++)
        {
            double slope = i == 0 ? smoothed[1] - smoothed[0]
                : i == smoothed.Length - 1 ? smoothed[i] - smoothed[i - 1]
                : (smoothed[i + 1] - smoothed[i - 1]) / 2;
            if (slope < steepest)
            {
                steepest = slope;
                best = i;
            }
        }

        return best;
    }

    /// <summary>
    /// fastai's <c>valley</c>: find the longest strictly decreasing subsequence of the loss, and take the point a third
    /// and a half of a third into it — past the noisy start, before the bottom where the rate is already too large.
    /// </summary>
    public static int Valley(ReadOnlySpan<double> losses)
    {
        int n = losses.Length;
        if (n == 0)
        {
            return 0;
        }

        int[] longest = new int[n];
        Array.Fill(longest, 1);
        int start = 0, end = 0;
        for (int i = 1; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (losses[i] < losses[j] && longest[i] < longest[j] + 1)
                {
                    longest[i] = longest[j] + 1;
                }

                if (longest[end] < longest[i])
                {
                    end = i;
                    start = end - longest[end];
                }
            }
        }

        double sections = (end - start) / 3.0;
        return Math.Clamp(start + (int)sections + (int)(sections / 2), 0, n - 1);
    }

    /// <summary>Stops the run when the smoothed loss passes 4 × the lowest smoothed loss so far (fastai's criterion).</summary>
    private sealed class ExplosionWatch(CancellationTokenSource stop) : ITrainingObserver
    {
        private double _average;
        private double _best = double.PositiveInfinity;

        public int? ExplodedAt { get; private set; }

        public void OnStep(in StepReport report)
        {
            _average = (Beta * _average) + ((1 - Beta) * report.Loss);
            double smoothed = _average / (1 - Math.Pow(Beta, report.Step));
            _best = Math.Min(_best, smoothed);
            if (ExplodedAt is null && report.Step > 1 && (smoothed > 4 * _best || !double.IsFinite(smoothed)))
            {
                ExplodedAt = (int)report.Step - 1;
                stop.Cancel();
            }
        }
    }
}
