using Descent.Data;
using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Optimizers.Book;
using Descent.Pipeline;
using Descent.Randomness;
using Descent.Training;

namespace Descent.Tests.Training;

public sealed class TrainingDiagnosticsTests
{
    private static TensorDataset<double> Data()
    {
        double[] x = [.. Enumerable.Range(0, 40 * 6).Select(i => Math.Sin(i * 0.37))];
        int[] labels = [.. Enumerable.Range(0, 40).Select(i => (i * 7) % 3)];
        return new TensorDataset<double>(x, labels, [6], 3);
    }

    private static Network<double> NewNet() =>
        new([new LinearSpec(6, 5), new ActivationSpec(Activation.Relu), new LinearSpec(5, 3)], new NetworkOptions { Convention = NetworkConvention.Book }, new SeededRandom(3));

    private static UpdatePipeline<double> AdamPipeline(Network<double> net) =>
        UpdatePipeline.For(net.Parameters).Optimizer(new Adam<double>(net.Parameters, new AdamOptions { LearningRate = 0.01 })).Build();

    private static double Norm(IEnumerable<double> xs) => Math.Sqrt(xs.Sum(x => x * x));

    [Fact]
    public void Norms_MatchADirectComputationFromTheHandWrittenLoop()
    {
        // The hand-written loop keeps each step's gradient and the weights before and after it.
        var net = NewNet();
        var pipeline = AdamPipeline(net);
        var sampler = new MiniBatchSampler<double>(Data(), 8, BatchOrder.ShuffledEpochs, new SeededRandom(5));
        var steps = new List<(double[] G, double[] Before, double[] After)>();
        for (int i = 0; i < 7; i++)
        {
            var batch = sampler.Next();
            net.ComputeGradients(batch.Features, batch.Count, batch.Labels.Span);
            double[] g = [.. net.Storage.Gradients], before = [.. net.Storage.Values];
            pipeline.Step();
            steps.Add((g, before, [.. net.Storage.Values]));
        }

        var loopNet = NewNet();
        var loopPipeline = AdamPipeline(loopNet);
        var diagnostics = new TrainingDiagnostics<double>(loopNet, loopPipeline, 3);
        var loop = new TrainingLoop<double>(loopNet, loopPipeline, new MiniBatchSampler<double>(Data(), 8, BatchOrder.ShuffledEpochs, new SeededRandom(5)), new() { Observers = [diagnostics] });
        loop.Run(7);

        Assert.Equal(["W1+b1", "W2+b2"], diagnostics.Layers);
        Assert.Equal([0L, 3L, 6L], diagnostics.Samples.Select(s => s.Index));
        // Layer slices of the flat buffers: W1 (6×5), b1 (5), then W2 (5×3), b2 (3).
        (int Start, int Length)[] layers = [(0, 35), (35, 18)];
        foreach (var sample in diagnostics.Samples)
        {
            var (g, before, after) = steps[(int)sample.Index];
            for (int l = 0; l < 2; l++)
            {
                var (start, length) = layers[l];
                double update = Norm(Enumerable.Range(start, length).Select(i => after[i] - before[i]));
                Assert.Equal(Norm(g.Skip(start).Take(length)), sample.GradientNorm[l], 12);
                Assert.Equal(update, sample.UpdateNorm[l], 12);
                Assert.Equal(update / Norm(before.Skip(start).Take(length)), sample.UpdateRatio[l], 12);
            }

            Assert.Equal(0, sample.NonFiniteFraction);
            Assert.Equal(0, sample.ClippedFraction);
        }
    }

    [Fact]
    public void AdamEffectiveStep_IsTheRateOverTheBiasCorrectedRoot_WithNumPyQuantiles()
    {
        // After one step v = (1 − β₂)g², so v̂ = g² and each element's step is η / (|g| + ε).
        var w = new Parameter<double>("w", new double[11]);
        var pipeline = UpdatePipeline.For([w]).Optimizer(new Adam<double>([w], new AdamOptions { LearningRate = 0.1 })).Build();
        var diagnostics = new TrainingDiagnostics<double>([("w", [w])], pipeline, 1);
        for (int i = 0; i < 11; i++)
        {
            w.Gradient.Span[i] = i % 2 == 0 ? i + 1 : -(i + 1);
        }

        var sample = Step(diagnostics, pipeline, 0);

        Assert.True(diagnostics.HasEffectiveStep);
        // Sorted steps η/(11+ε) < … < η/(1+ε); NumPy's quantile q sits at index q·10.
        Assert.Equal(0.1 / (10 + 1e-8), sample.StepP10![0], 15);
        Assert.Equal(0.1 / (6 + 1e-8), sample.StepP50![0], 15);
        Assert.Equal(0.1 / (2 + 1e-8), sample.StepP90![0], 15);
    }

    [Fact]
    public void LargeLayer_QuantilesOfTheStridedSample_StayCloseToTheExactOnes()
    {
        // After one Adam step each element's step is η / (|g| + ε); with |g| = 1 … n the exact quantile q is η / (1 + (1 − q)(n − 1)).
        const int n = 50_000;
        var w = new Parameter<double>("w", new double[n]);
        var pipeline = UpdatePipeline.For([w]).Optimizer(new Adam<double>([w], new AdamOptions { LearningRate = 1 })).Build();
        var diagnostics = new TrainingDiagnostics<double>([("w", [w])], pipeline, 1);
        for (int i = 0; i < n; i++)
        {
            w.Gradient.Span[i] = (i * 7919 % n) + 1;
        }

        var sample = Step(diagnostics, pipeline, 0);

        foreach (var (q, actual) in new[] { (0.1, sample.StepP10![0]), (0.5, sample.StepP50![0]), (0.9, sample.StepP90![0]) })
        {
            double exact = 1 / (1 + ((1 - q) * (n - 1)));
            Assert.Equal(exact, actual, 0.02 * exact);
        }
    }

    [Fact]
    public void AdamEffectiveStep_AtStepTwo_UsesTheSecondMomentByHand()
    {
        var w = new Parameter<double>("w", new double[3]);
        var adam = new Adam<double>([w], new AdamOptions { LearningRate = 0.01, Beta2 = 0.9, Epsilon = 1e-3 });
        w.Gradient.Span[0] = 2;
        w.Gradient.Span[1] = -1;
        w.Gradient.Span[2] = 0.5;
        adam.Step();
        w.Gradient.Span[0] = 1;
        w.Gradient.Span[1] = 1;
        w.Gradient.Span[2] = -4;
        adam.Step();

        double[] steps = new double[3];
        Assert.True(adam.TryWriteEffectiveStep("w", steps));
        double[] g1 = [2, -1, 0.5], g2 = [1, 1, -4];
        for (int i = 0; i < 3; i++)
        {
            double v = (0.9 * 0.1 * g1[i] * g1[i]) + (0.1 * g2[i] * g2[i]);
            double vHat = v / (1 - (0.9 * 0.9));
            Assert.Equal(0.01 / (Math.Sqrt(vHat) + 1e-3), steps[i], 15);
        }
    }

    [Fact]
    public void EffectiveStep_IsNotAvailable_BeforeTheFirstStepOrForAnUnknownName()
    {
        var w = new Parameter<float>("w", new float[2]);
        var adagrad = new BookAdaGrad<float>([w]);
        float[] steps = new float[2];
        Assert.False(adagrad.TryWriteEffectiveStep("w", steps));
        w.Gradient.Span.Fill(2f);
        adagrad.Step();
        Assert.False(adagrad.TryWriteEffectiveStep("v", steps));
        Assert.True(adagrad.TryWriteEffectiveStep("w", steps));
        Assert.Equal(0.01f / (2f + 1e-7f), steps[0]);
        Assert.Throws<ArgumentException>(() => adagrad.TryWriteEffectiveStep("w", new float[3]));
    }

    [Fact]
    public void OptimizerWithoutAnAdaptiveRate_RecordsNoQuantiles()
    {
        var w = new Parameter<double>("w", [1.0, 2.0]);
        var pipeline = UpdatePipeline.For([w]).Optimizer(new Sgd<double>([w], new SgdOptions { LearningRate = 0.5 })).Build();
        var diagnostics = new TrainingDiagnostics<double>([("w", [w])], pipeline, 1);
        w.Gradient.Span.Fill(1);

        var sample = Step(diagnostics, pipeline, 0);

        Assert.False(diagnostics.HasEffectiveStep);
        Assert.Null(sample.StepP50);
        Assert.Equal(Math.Sqrt(0.5), sample.UpdateNorm[0], 15);
        Assert.Equal(Math.Sqrt(0.5) / Math.Sqrt(5), sample.UpdateRatio[0], 15);
    }

    [Fact]
    public void SkippedAndClippedSteps_AreCountedAsFractionsOfTheStepsSinceTheLastSample()
    {
        var w = new Parameter<double>("w", [1.0, 2.0]);
        var pipeline = UpdatePipeline.For([w]).SkipNonFinite(5).ClipByGlobalNorm(1.0)
            .Optimizer(new Sgd<double>([w], new SgdOptions { LearningRate = 0.1 })).Build();
        var diagnostics = new TrainingDiagnostics<double>([("w", [w])], pipeline, 4);
        diagnostics.OnStart(0);
        // Steps 0..8: a gradient of norm 5 (clipped), 0.5 (not), or NaN (skipped).
        double[] norms = [5, 0.5, double.NaN, 5, 0.5, 0.5, 0.5, double.NaN, 5];
        for (int i = 0; i < norms.Length; i++)
        {
            w.Gradient.Span[0] = norms[i] * 0.6;
            w.Gradient.Span[1] = norms[i] * 0.8;
            diagnostics.BeforeUpdate(i);
            var outcome = pipeline.Step();
            diagnostics.OnStep(new StepReport(i + 1, 0, outcome));
        }

        Assert.Equal([0L, 4L, 8L], diagnostics.Samples.Select(s => s.Index));
        Assert.Equal([0.0, 0.25, 0.25], diagnostics.Samples.Select(s => s.NonFiniteFraction));   // {0}; {2} of 1..4; {7} of 5..8
        Assert.Equal([1.0, 0.25, 0.25], diagnostics.Samples.Select(s => s.ClippedFraction));    // {0}; {3} of 1..4; {8} of 5..8
        Assert.Equal(3, pipeline.ClippedSteps);
        Assert.Equal(5, diagnostics.Samples[0].GradientNorm[0], 12);   // before clipping
    }

    [Fact]
    public void ClipByValue_CountsAStepWhenAnElementLiesOutsideTheBound()
    {
        var w = new Parameter<double>("w", [1.0, 2.0]);
        var pipeline = UpdatePipeline.For([w]).ClipByValue(0.5).Optimizer(new Sgd<double>([w], new SgdOptions { LearningRate = 0.1 })).Build();
        w.Gradient.Span[0] = 0.4;
        w.Gradient.Span[1] = -0.5;
        pipeline.Step();
        Assert.Equal(0, pipeline.ClippedSteps);
        w.Gradient.Span[1] = -0.7;
        pipeline.Step();
        Assert.Equal(1, pipeline.ClippedSteps);
    }

    [Fact]
    public void StepsBetweenSamples_AllocateNothing()
    {
        var w = new Parameter<double>("w", new double[64]);
        var pipeline = UpdatePipeline.For([w]).Optimizer(new Adam<double>([w])).Build();
        var diagnostics = new TrainingDiagnostics<double>([("w", [w])], pipeline, 10);
        w.Gradient.Span.Fill(1);
        Step(diagnostics, pipeline, 0);
        var report = new StepReport(2, 0, StepOutcome.Applied);
        diagnostics.BeforeUpdate(1);
        diagnostics.OnStep(report);

        long before = GC.GetAllocatedBytesForCurrentThread();
        diagnostics.BeforeUpdate(1);
        diagnostics.OnStep(report);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Single(diagnostics.Samples);
    }

    [Fact]
    public void DefaultInterval_LogsAboutFiftySamples_ButNoMoreOftenThanEvery25thStep()
    {
        Assert.Equal(25, TrainingDiagnostics.DefaultInterval(50));
        Assert.Equal(40, TrainingDiagnostics.DefaultInterval(2000));
        Assert.Equal(41, TrainingDiagnostics.DefaultInterval(2001));
    }

    /// <summary>Drives the observer through one step of the pipeline, as the loop does, from a fresh start.</summary>
    private static DiagnosticsSample Step(TrainingDiagnostics<double> diagnostics, UpdatePipeline<double> pipeline, long index)
    {
        diagnostics.OnStart(index);
        diagnostics.BeforeUpdate(index);
        var outcome = pipeline.Step();
        diagnostics.OnStep(new StepReport(index + 1, 0, outcome));
        return diagnostics.Samples[^1];
    }
}
