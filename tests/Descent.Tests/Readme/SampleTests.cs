using Descent.Testing;
using Samples;

namespace Descent.Tests.Readme;

/// <summary>The README's examples do what the README says they do.</summary>
public class SampleTests
{
    private static string Mnist => Path.Combine(Goldens.RepositoryRoot, "data", "mnist");

    [Fact]
    public void QuickStart_DrivesTheWeightsTowardZero()
    {
        Assert.All(QuickStart.Run(), w => Assert.InRange(Math.Abs(w), 0, 0.01));
    }

    [Fact]
    public void GroupsAndState_LoadedStateContinuesBitIdentically()
    {
        var (original, resumed) = GroupsAndState.Run();
        Assert.Equal(original, resumed);
    }

    [Fact]
    public void ByName_BuildsTheNamedOptimizerWithItsOptions()
    {
        var (optimizer, info, options) = ByName.Run();
        var adam = Assert.IsType<Descent.Optimizers.Adam<double>>(optimizer);
        Assert.Equal((0.3, 0.99, true), (adam.Defaults.LearningRate, adam.Defaults.Beta2, adam.Defaults.AmsGrad));
        Assert.Equal("RMSprop", info.Name);
        var rmsprop = Assert.IsType<Descent.Optimizers.RmsPropOptions>(options);
        Assert.Equal((0.01, true), (rmsprop.LearningRate, rmsprop.Centered));
    }

    [Fact]
    public void Lbfgs_ReachesRosenbrocksMinimum()
    {
        var (loss, point) = LbfgsRosenbrock.Run();
        Assert.Equal(12.5, loss, 12);   // (1 + 1.5)² + 100 (2 − 2.25)², the loss at the start
        Assert.All(point, x => Assert.Equal(1.0, x, 4));
    }

    [Fact]
    public void Pipeline_LearnsTheToyTask()
    {
        var (before, after, averaged, stages) = PipelineTraining.Run();
        Assert.True(after < before / 3 && averaged < before / 3, $"loss {before} → {after} (averaged {averaged})");
        Assert.StartsWith("skip non-finite", stages, StringComparison.Ordinal);
    }

    [Fact]
    public void FlushToZero_IsOnInsideTheScopeAndOffAfter()
    {
        var (weight, wasFlushing) = FlushToZero.Run();
        Assert.Equal(Descent.Numerics.Denormals.IsSupported, wasFlushing);
        Assert.False(Descent.Numerics.Denormals.IsSupported && Descent.Numerics.Denormals.FlushToZero);
        Assert.True(float.IsFinite(weight));
    }

    [Fact]
    public void BookNetwork_LearnsMnist()
    {
        var (loss, accuracy) = BookNetwork.Run(Mnist, steps: 300);
        Assert.InRange(loss, 0, 0.6);
        Assert.InRange(accuracy, 0.85, 1);
    }

    [Fact]
    public void Checkpoint_RestoresStepAndWeights()
    {
        string folder = Directory.CreateTempSubdirectory("descent-sample-").FullName;
        try
        {
            Assert.Equal((1L, 2L, true), CheckpointRoundTrip.Run(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Gemm_ComputesTheAffineLayersProducts()
    {
        var (y, dw, dx) = MatrixMultiply.Run();
        // X = 0..11 as 3×4, W[i, j] = 1/(2i + j + 1) as 4×2, dY = −2..3 as 3×2, multiplied out by hand below.
        static float X(int r, int c) => (r * 4) + c;
        static float W(int r, int c) => 1f / ((r * 2) + c + 1);
        static float Dy(int r, int c) => (r * 2) + c - 2;
        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < 2; c++)
            {
                Assert.Equal(Enumerable.Range(0, 4).Sum(k => (double)X(r, k) * W(k, c)), y[(r * 2) + c], 5);
            }
        }

        for (int r = 0; r < 4; r++)
        {
            for (int c = 0; c < 2; c++)
            {
                Assert.Equal(Enumerable.Range(0, 3).Sum(k => (double)X(k, r) * Dy(k, c)), dw[(r * 2) + c], 5);
            }
        }

        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < 4; c++)
            {
                Assert.Equal(Enumerable.Range(0, 2).Sum(k => (double)Dy(r, k) * W(c, k)), dx[(r * 4) + c], 5);
            }
        }
    }

    [Fact]
    public void Data_SplitsAndDrawsAOneHotBatch()
    {
        var (batch, fit, validation) = DataLoading.Run(Mnist);
        Assert.Equal((9000, 1000), (fit, validation));
        Assert.Equal((128, 784, 128 * 10), (batch.Count, batch.FeatureCount, batch.OneHotLabels.Length));
    }

    [Fact]
    public void TrainingLoop_CompletesAndCallsTheEvaluationHook()
    {
        var (result, evaluations) = TrainingLoopSample.Run(Mnist);
        Assert.Equal(Descent.Training.TrainingStatus.Completed, result.Status);
        Assert.Equal(1000, result.Losses.Count);
        Assert.Equal(1, evaluations);   // of steps 0..999 only 0 is a multiple of 468.75 (the next is 1875), as in the book's Trainer
        Assert.True(result.Losses[^1] < result.Losses[0], $"loss {result.Losses[0]} → {result.Losses[^1]}");
    }
}
