using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Randomness;
using Descent.Tests.Schedules;

namespace Descent.Tests.NeuralNetworks;

public class LayerBehaviourTests
{
    [Fact]
    public void BatchNorm_RunningStatistics_FollowPyTorch()
    {
        var bn = BatchNorm<double>.Create(1);
        double[] x = [1, 2, 6];
        bn.Forward(x, 3, training: true);

        // mean 3, biased var 14/3, unbiased 7; running = 0.9·old + 0.1·new from (0, 1).
        Assert.Equal(0.1 * 3, bn.RunningMean[0], 15);
        Assert.Equal((0.9 * 1) + (0.1 * 7), bn.RunningVariance[0], 15);
        Assert.Equal(1, bn.BatchesTracked);
        var y = bn.Forward(x, 3, training: true).Span;
        Assert.Equal((1 - 3) / Math.Sqrt((14.0 / 3) + 1e-5), y[0], 14);
    }

    [Fact]
    public void BatchNorm_BookOptions_KeepNinetyPercentBiasedFromZero()
    {
        var bn = BatchNorm<double>.Create(1, BatchNormOptions.Book);
        Assert.Equal(0, bn.RunningVariance[0]);
        double[] x = [1, 2, 6];
        bn.Forward(x, 3, training: true);
        Assert.Equal((1 - 0.9) * 3, bn.RunningMean[0], 15);
        Assert.Equal((1 - 0.9) * (14.0 / 3), bn.RunningVariance[0], 15);
        var y = bn.Forward(x, 3, training: false).Span;
        Assert.Equal((1 - bn.RunningMean[0]) / Math.Sqrt(bn.RunningVariance[0] + 1e-6), y[0], 14);
    }

    [Fact]
    public void BatchNorm_EvaluationUsesRunningStatisticsAndLeavesThemAlone()
    {
        var bn = BatchNorm<double>.Create(2);
        bn.RunningMean[0] = 1;
        bn.RunningVariance[0] = 4;
        var y = bn.Forward(new double[] { 3, 5 }, 1, training: false).Span;
        Assert.Equal(2 / Math.Sqrt(4 + 1e-5), y[0], 15);
        Assert.Equal(5 / Math.Sqrt(1 + 1e-5), y[1], 15);
        Assert.Equal(0, bn.BatchesTracked);
        Assert.Equal(1, bn.RunningMean[0]);
    }

    [Fact]
    public void BatchNorm_TrainingBatchOfOne_IsRejected()
    {
        var bn = BatchNorm<double>.Create(2);
        var error = Assert.Throws<ArgumentException>(() => bn.Forward(new double[] { 3, 5 }, 1, training: true));
        Assert.Contains("at least 2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Dropout_DropsAboutRatio_AndScalesAsConfigured(bool inverted)
    {
        const int n = 20_000;
        var dropout = new Dropout<double>(n, 0.25, new SeededRandom(1), inverted);
        double[] ones = [.. Enumerable.Repeat(1.0, n)];
        var y = dropout.Forward(ones, 1, training: true).ToArray();
        double kept = inverted ? 1 / 0.75 : 1;
        Assert.All(y, v => Assert.True(v == 0 || v == kept));
        double dropped = y.Count(v => v == 0) / (double)n;
        Assert.InRange(dropped, 0.24, 0.26);
        var eval = dropout.Forward(ones, 1, training: false).ToArray();
        Assert.All(eval, v => Assert.Equal(inverted ? 1 : 0.75, v));
    }

    [Fact]
    public void Dropout_SameSeed_SameMask()
    {
        double[] x = [.. Enumerable.Range(1, 50).Select(i => (double)i)];
        var a = new Dropout<double>(50, 0.5, new SeededRandom(3)).Forward(x, 1, true).ToArray();
        var b = new Dropout<double>(50, 0.5, new SeededRandom(3)).Forward(x, 1, true).ToArray();
        Assert.Equal(a, b);
    }

    [Fact]
    public void VectorizedActivations_MatchTheScalarFormulas_ForAllLengths()
    {
        for (int n = 1; n <= 257; n += 8)
        {
            double[] x = [.. GradientCheck.Normal(n, n, 20)];
            var s = new Sigmoid<double>(n).Forward(x, 1, false).ToArray();
            var t = new Tanh<double>(n).Forward(x, 1, false).ToArray();
            var r = new Relu<double>(n).Forward(x, 1, false).ToArray();
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(1 / (1 + Math.Exp(-x[i])), s[i], 1e-15);
                Assert.Equal(Math.Tanh(x[i]), t[i], 1e-15);
                Assert.Equal(Math.Max(0, x[i]), r[i]);
            }
        }
    }

    [Fact]
    public void SoftmaxWithLoss_HugeLogits_StayFinite()
    {
        var loss = new SoftmaxWithLoss<float>(3);
        float value = loss.Forward(new float[] { 1000f, -1000f, 999f }, 1, new[] { 2 });
        Assert.Equal(Math.Log(1 + Math.Exp(-1) + Math.Exp(-2000)) + 1, value, 5);
        Assert.All(loss.Backward().ToArray(), g => Assert.True(float.IsFinite(g)));
    }

    [Fact]
    public void SoftmaxWithLoss_IsMeanOverBatch()
    {
        var loss = new SoftmaxWithLoss<double>(2);
        double value = loss.Forward(new double[] { 0, 0, 0, Math.Log(3) }, 2, new[] { 0, 1 });
        Assert.Equal((Math.Log(2) + Math.Log(4.0 / 3)) / 2, value, 15);
        Assert.Equal([-0.25, 0.25, 0.125, -0.125], loss.Backward().ToArray().Select(v => Math.Round(v, 15)));
    }

    [Fact]
    public void SoftmaxWithLoss_BadLabel_NamesIt()
    {
        var loss = new SoftmaxWithLoss<double>(2);
        var error = Assert.Throws<ArgumentException>(() => loss.Forward(new double[] { 0, 0 }, 1, new[] { 2 }));
        Assert.Contains("Label 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Affine_WrongInputLength_NamesTheShape()
    {
        var affine = Affine<double>.Create(3, 2);
        var error = Assert.Throws<ArgumentException>(() => affine.Forward(new double[5], 2, false));
        Assert.Contains("2 × 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Affine_PyTorchLayout_EqualsBookLayoutTransposed()
    {
        double[] w = GradientCheck.Normal(6, 1);
        double[] wt = new double[6];
        for (int i = 0; i < 3; i++)
        {
            for (int o = 0; o < 2; o++)
            {
                wt[(o * 3) + i] = w[(i * 2) + o];
            }
        }

        double[] b = [0.5, -1];
        var book = new Affine<double>(new Parameter<double>("W", w, 3, 2), new Parameter<double>("b", (double[])b.Clone()));
        var torch = new Affine<double>(new Parameter<double>("W", wt, 2, 3), new Parameter<double>("b", (double[])b.Clone()), WeightLayout.OutputByInput);
        double[] x = GradientCheck.Normal(12, 2);
        Assert.Equal(book.Forward(x, 4, false).ToArray(), torch.Forward(x, 4, false).ToArray());
    }
}

public class NetworkTests
{
    [Fact]
    public void MultiLayerNet_HasTheBooksNamesShapesAndInit()
    {
        var net = new MultiLayerNet<double>(784, [100, 100, 100, 100], 10, random: new SeededRandom(1));
        Assert.Equal(["W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4", "W5", "b5"], net.Parameters.Select(p => p.Name));
        Assert.Equal([784, 100], net.Parameters[0].Shape);
        Assert.All(net.Parameters.Where(p => p.Name.StartsWith('b')), p => Assert.All(p.Value.ToArray(), v => Assert.Equal(0, v)));

        // He: std √(2/784) for W1, √(2/100) for the rest.
        var w1 = net.Parameters[0].Value.ToArray();
        double std = Math.Sqrt(w1.Select(v => v * v).Average());
        Assert.InRange(std / Math.Sqrt(2.0 / 784), 0.97, 1.03);
    }

    [Fact]
    public void MultiLayerNet_InitDrawsInTheBooksOrder()
    {
        var net = new MultiLayerNet<double>(3, [2], 2, weightInit: WeightInit.StandardDeviation(0.01), random: new SeededRandom(8));
        var replay = new SeededRandom(8);
        double[] expected = [.. Enumerable.Range(0, 6).Select(_ => 0.01 * replay.NextStandardNormal())];
        Assert.Equal(expected, net.Parameters[0].Value.ToArray());
        Assert.Equal(0.01 * replay.NextStandardNormal(), net.Parameters[2].Value.Span[0]);
    }

    [Fact]
    public void MultiLayerNetExtend_HasGammaAndBetaNames()
    {
        var net = new MultiLayerNetExtend<float>(4, [3, 3], 2, useBatchNorm: true, useDropout: true);
        Assert.Equal(["W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3"], net.Parameters.Select(p => p.Name));
        Assert.Equal(["running_mean1", "running_var1", "running_mean2", "running_var2"], net.Buffers.Select(b => b.Name));
        Assert.Equal(["num_batches_tracked1", "num_batches_tracked2"], net.Counters.Select(b => b.Name));
        Assert.All(net.Parameters[2].Value.ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Parameters_AreOneRun_ForTheOptimizer()
    {
        var net = new MultiLayerNetExtend<float>(784, [100, 100, 100, 100], 10, useBatchNorm: true);
        var sgd = new Sgd<float>(net.Parameters);
        Assert.Single(sgd.Groups[0].Runs);
        Assert.Equal(net.Storage.Values.Length, sgd.Groups[0].Runs[0].Length);
    }

    [Fact]
    public void TrainingStep_AllocatesNothing_AfterTheFirstBatch()
    {
        var net = new MultiLayerNetExtend<float>(20, [16, 16], 4, useBatchNorm: true, useDropout: true, weightDecay: 0.01);
        var sgd = new Sgd<float>(net.Parameters, new SgdOptions { LearningRate = 0.1, Momentum = 0.9 });
        float[] x = [.. Enumerable.Range(0, 8 * 20).Select(i => MathF.Sin(i))];
        int[] labels = [0, 1, 2, 3, 0, 1, 2, 3];
        var scheduler = EveryStepSchedule.Attach(sgd);
        for (int i = 0; i < 3; i++)
        {
            net.ComputeGradients(x, 8, labels);
            sgd.Step();
            scheduler.Step();
        }

        var scheduled = EveryStepSchedule.Values(sgd);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            net.ComputeGradients(x, 8, labels);
            sgd.Step();
            scheduler.Step();
            net.Predict(x.AsMemory(0, 4 * 20), 4);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        EveryStepSchedule.AssertMoved(sgd, scheduled);
    }

    [Fact]
    public void BooksNetwork_AdamStep_AllocatesNothing_AfterTheFirstBatch()
    {
        var net = new MultiLayerNet<float>(784, [100, 100, 100, 100], 10);
        var adam = OptimizerCatalog.Create("adam:lr=0.001", net.Parameters);
        float[] x = [.. Enumerable.Range(0, 128 * 784).Select(i => (i % 7) * 0.1f)];
        int[] labels = [.. Enumerable.Range(0, 128).Select(i => i % 10)];
        var scheduler = EveryStepSchedule.Attach(adam);
        for (int i = 0; i < 2; i++)
        {
            net.ComputeGradients(x, 128, labels);
            adam.Step();
            scheduler.Step();
        }

        var scheduled = EveryStepSchedule.Values(adam);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3; i++)
        {
            net.ComputeGradients(x, 128, labels);
            adam.Step();
            scheduler.Step();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        EveryStepSchedule.AssertMoved(adam, scheduled);
    }

    [Fact]
    public void Training_LowersTheLoss()
    {
        var net = new MultiLayerNet<double>(2, [8], 2, random: new SeededRandom(2));
        var sgd = new Sgd<double>(net.Parameters, new SgdOptions { LearningRate = 0.5 });
        double[] x = [1, 1, -1, -1, 1, -1, -1, 1];
        int[] labels = [0, 0, 1, 1];
        double first = net.ComputeGradients(x, 4, labels);
        for (int i = 0; i < 200; i++)
        {
            sgd.Step();
            net.ComputeGradients(x, 4, labels);
        }

        Assert.True(net.Loss(x, 4, labels) < first / 10);
        Assert.Equal(1.0, net.Accuracy(x, 4, labels));
    }

    [Fact]
    public void Layers_MustChain()
    {
        var error = Assert.Throws<ArgumentException>(() => new Network<double>([new LinearSpec(3, 4), new LinearSpec(5, 2)]));
        Assert.Contains("5 inputs follows 4", error.Message, StringComparison.Ordinal);
    }
}

public class WeightInitTests
{
    [Theory]
    [InlineData("relu", 0.1)]
    [InlineData("He", 0.1)]
    [InlineData("sigmoid", 0.070710678118654752)]
    [InlineData("xavier", 0.070710678118654752)]
    [InlineData("0.01", 0.01)]
    public void Parse_GivesTheBooksScale(string text, double scaleAt200)
    {
        Assert.Equal(scaleAt200, WeightInit.Parse(text).Scale(200), 15);
    }

    [Fact]
    public void Parse_Unknown_ListsTheChoices()
    {
        var error = Assert.Throws<ArgumentException>(() => WeightInit.Parse("glorot"));
        Assert.Contains("relu, he, sigmoid, xavier", error.Message, StringComparison.Ordinal);
    }
}
