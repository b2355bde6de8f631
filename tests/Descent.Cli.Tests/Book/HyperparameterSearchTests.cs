using System.Text.Json.Nodes;
using Descent.Cli.Book;
using Descent.Cli.Lab;
using Descent.NeuralNetworks;
using Descent.Randomness;

namespace Descent.Cli.Tests.Book;

public class HyperparameterSearchTests
{
    private static readonly BookSettings Fast = new() { Prefix = 6, Parallelism = 2 };

    [Fact]
    public void Permutation_IsFisherYatesFromTheEnd_WithMaskedDraws()
    {
        // np.random.seed(0); np.random.permutation(10) → [2 8 4 9 1 6 7 3 0 5] (NumPy's legacy stream).
        Assert.Equal([2, 8, 4, 9, 1, 6, 7, 3, 0, 5], HyperparameterSearch.Permutation(new MersenneTwister(0), 10));
    }

    [Fact]
    public void ParallelTrials_EqualTheScriptsOneContinuingStream()
    {
        using var search = BookRuns.Run(BookKind.HyperparameterSearch, Fast, new SearchOptions(Trials: 2));
        var trials = search.RootElement.GetProperty("trials");

        // The script, sequentially: permutation, then per trial two uniforms, the network, all 200 batches.
        var random = new MersenneTwister(0);
        int[] permutation = HyperparameterSearch.Permutation(random, 500);
        Assert.Equal(permutation, search.RootElement.GetProperty("check").GetProperty("permutation").EnumerateArray().Select(e => e.GetInt32()));
        for (int k = 0; k < 2; k++)
        {
            double weightDecay = Math.Pow(10, -8 + (4 * random.NextDouble()));
            double lr = Math.Pow(10, -6 + (4 * random.NextDouble()));
            Assert.Equal(weightDecay, trials[k].GetProperty("weight_decay").GetDouble());
            Assert.Equal(lr, trials[k].GetProperty("lr").GetDouble());
            var network = new MultiLayerNet<float>(784, [100, 100, 100, 100, 100, 100], 10, Activation.Relu, WeightInit.He, weightDecay, random);
            var train = Shuffled(permutation);
            var optimizer = LabOptimizers.Create(OptimizerSpec.Parse(FormattableString.Invariant($"sgd:lr={lr:R}")), network.Parameters, Conventions.Book);
            var curves = BookLoop.Train(network, optimizer, train.X, train.Labels, new DrawnBatches(random, 400), [], Fast.Loop(200, 100, 4.0, true));
            Assert.Equal(curves.LossAfterUpdate[0], trials[k].GetProperty("train_loss_first").GetDouble());
            Assert.Equal(curves.LossAfterUpdate[^1], trials[k].GetProperty("train_loss_last").GetDouble());
            for (int i = Fast.Prefix!.Value; i < 200; i++)
            {
                for (int r = 0; r < 100; r++)
                {
                    random.NextInt(400);
                }
            }
        }
    }

    [Fact]
    public void Search_Resumes_KeepingFinishedTrials_AndRefusesAnotherSearchsFiles()
    {
        string folder = LabConsole.TempFolder();
        var options = new SearchOptions(Trials: 2, TrialDirectory: folder);
        using var first = BookRuns.Run(BookKind.HyperparameterSearch, Fast, options);
        string saved = File.ReadAllText(Path.Combine(folder, "trial-001.json"));

        // Mark trial 1 as read back: a rerun would overwrite the marker.
        var marked = JsonNode.Parse(saved)!;
        marked["seconds"] = -1.0;
        File.WriteAllText(Path.Combine(folder, "trial-001.json"), marked.ToJsonString());
        using var resumed = BookRuns.Run(BookKind.HyperparameterSearch, Fast, options with { Trials = 3 });
        var trials = resumed.RootElement.GetProperty("trials");
        Assert.Equal(3, trials.GetArrayLength());
        Assert.Equal(-1.0, trials[1].GetProperty("seconds").GetDouble());
        Assert.Equal(first.RootElement.GetProperty("trials")[1].GetProperty("val_acc").GetRawText(), trials[1].GetProperty("val_acc").GetRawText());
        Assert.True(File.Exists(Path.Combine(folder, "trial-002.json")));

        marked["lr"] = 0.5;
        File.WriteAllText(Path.Combine(folder, "trial-001.json"), marked.ToJsonString());
        var error = Assert.Throws<InvalidDataException>(() => BookRuns.Run(BookKind.HyperparameterSearch, Fast, options));
        Assert.Contains("another search", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ranking_IsByLastValidationAccuracy_TiesInTrialOrder()
    {
        using var search = BookRuns.Run(BookKind.HyperparameterSearch, Fast, new SearchOptions(Trials: 4));
        var trials = search.RootElement.GetProperty("trials").EnumerateArray().ToList();
        int[] ranking = [.. search.RootElement.GetProperty("ranking").EnumerateArray().Select(e => e.GetInt32())];
        Assert.Equal([0, 1, 2, 3], ranking.Order());
        for (int i = 1; i < ranking.Length; i++)
        {
            double before = trials[ranking[i - 1]].GetProperty("final_val_acc").GetDouble();
            double after = trials[ranking[i]].GetProperty("final_val_acc").GetDouble();
            Assert.True(before > after || (before == after && ranking[i - 1] < ranking[i]), $"ranking {string.Join(",", ranking)}");
        }
    }

    private static (float[] X, int[] Labels) Shuffled(int[] permutation)
    {
        var (x, t) = BookSettings.TrainPrefix<float>(BookRuns.Mnist, 500);
        var xs = new float[400 * 784];
        var ts = new int[400];
        for (int i = 100; i < 500; i++)
        {
            x.AsSpan(permutation[i] * 784, 784).CopyTo(xs.AsSpan((i - 100) * 784, 784));
            ts[i - 100] = t[permutation[i]];
        }

        return (xs, ts);
    }
}

public class SchemaOnlyKindsTests
{
    [Theory]
    [InlineData(nameof(BookKind.BatchNormGrid), 16 * 8)]
    [InlineData(nameof(BookKind.HyperparameterSearch), (3 * 7) + 1)]
    public void OwnOutput_IsReadAsItsKind_AndChecksAgainstItself(string name, int curves)
    {
        var kind = Enum.Parse<BookKind>(name);
        // The two kinds the goldens document by schema only: --check and verify must read a file of each.
        using var run = BookRuns.Run(kind, BookRuns.Book with { Prefix = 2 }, new SearchOptions(Trials: 3));
        Assert.Equal(kind, BookCheck.KindOf(run.RootElement));
        var results = BookCheck.Compare(run.RootElement, run.RootElement, prefix: true);
        Assert.Equal(curves, results.Count);
        Assert.All(results, r => Assert.True(r.Passed, r.Case));
    }
}
