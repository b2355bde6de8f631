using Descent.Cli.Lab;
using Descent.Randomness;
using Descent.Testing;

namespace Descent.Cli.Tests.Lab;

public class ReproduceBookTests
{
    // The full run (2000 iterations × 4 networks in float64) takes about a minute on two cores; the suite checks a
    // prefix here, and `descent compare-mnist --reproduce-book --check FILE` checks the whole curve (see README).
    private const int Iterations = 150;

    [Fact]
    public void NetworksAndBatches_DrawTheGoldensCheckValuesExactly()
    {
        using var golden = Goldens.Load("book/mnist_compare_losses.json");
        var check = golden.RootElement.GetProperty("check");
        var random = new MersenneTwister(0);
        foreach (var spec in MnistExperiment.BookOptimizers)
        {
            var network = MnistExperiment.Build<double>(new MnistSettings(), random);
            double[] expected = [.. check.GetProperty("W1[0,:4] at init per network").GetProperty(spec.Label).EnumerateArray().Select(e => e.GetDouble())];
            Assert.Equal(expected, network.Parameters.Single(p => p.Name == "W1").Value.Span[..4].ToArray());
        }

        foreach (var batch in check.GetProperty("batch_mask of iterations 0 and 1").EnumerateArray())
        {
            int[] expected = [.. batch.EnumerateArray().Select(e => e.GetInt32())];
            int[] drawn = [.. expected.Select(_ => random.NextInt(10_000))];
            Assert.Equal(expected, drawn);
        }
    }

    [Fact]
    public void LossCurves_Prefix_MatchTheBook()
    {
        using var golden = Goldens.Load("book/mnist_compare_losses.json");
        var data = LabDataLoader.Load(null);
        var settings = new MnistSettings { Iterations = Iterations, BookLoss = true, FlushDenormals = false, SequentialGemm = true, Parallelism = 2 };
        var record = MnistExperiment.Run<double>(data, settings, MnistExperiment.BookOptimizers, work => Parallel.ForEach(work, w => w.Work(new NoProgress())));
        foreach (var run in record.Runs)
        {
            double[] expected = [.. golden.RootElement.GetProperty("loss").GetProperty(run.Label).EnumerateArray().Take(Iterations).Select(e => e.GetDouble())];
            double worst = 0;
            for (int i = 0; i < Iterations; i++)
            {
                worst = Math.Max(worst, Math.Abs(run.Loss[i] - expected[i]) / Math.Abs(expected[i]));
            }

            // Adam's curve drifts with BLAS rounding (the golden's README: ~1e-3 between two BLAS builds).
            double tolerance = run.Label == "Adam" ? 1e-2 : 1e-9;
            Assert.True(worst <= tolerance, $"{run.Label}: largest relative error {worst:E3} > {tolerance:E0}");
        }
    }

    private sealed class NoProgress : IProgressReporter
    {
        public void Report(long done, double loss)
        {
        }
    }
}
