using Descent.Clipping;
using Descent.Optimizers;
using Descent.Pipeline;
using Descent.Schedules;
using Descent.Tests.Schedules;

namespace Descent.Tests.Pipeline;

public class UpdatePipelineTests
{
    [Theory]
    [InlineData(AccumulationMode.Mean)]
    [InlineData(AccumulationMode.Sum)]
    public void Accumulation_AppliesEveryKMicroBatches_WithTheirMeanOrSum(AccumulationMode mode)
    {
        const int k = 4;
        var w = new Parameter<double>("w", [1.0, -1.0, 2.0]);
        var pipeline = UpdatePipeline.For([w])
            .AccumulateGradients(k, mode)
            .Optimizer((ps, o) => new Sgd<double>(ps, o), new SgdOptions { LearningRate = 0.1 })
            .Build();
        double[] expected = [1.0, -1.0, 2.0];
        for (int update = 0; update < 3; update++)
        {
            var combined = new double[3];
            for (int micro = 0; micro < k; micro++)
            {
                for (int i = 0; i < 3; i++)
                {
                    w.Gradient.Span[i] = MicroGradient(update, micro, i);
                    combined[i] += MicroGradient(update, micro, i);
                }

                var outcome = pipeline.Step();
                Assert.Equal(micro == k - 1 ? StepOutcome.Applied : StepOutcome.Accumulated, outcome);
                if (micro < k - 1)
                {
                    Assert.Equal(expected, w.Value.ToArray()); // nothing moves before the window completes
                }
            }

            for (int i = 0; i < 3; i++)
            {
                expected[i] -= 0.1 * (mode == AccumulationMode.Mean ? combined[i] / k : combined[i]);
            }

            AssertClose(expected, w.Value.ToArray(), 1e-15);
        }

        Assert.Equal(3, pipeline.AppliedSteps);
    }

    [Fact]
    public void NonFiniteMicroBatch_IsSkipped_WithoutTouchingWeightsOrAccumulator()
    {
        var w = new Parameter<double>("w", [1.0, 2.0]);
        var pipeline = UpdatePipeline.For([w])
            .SkipNonFinite(maxConsecutive: 3)
            .AccumulateGradients(2)
            .Optimizer((ps, o) => new Sgd<double>(ps, o), new SgdOptions { LearningRate = 1.0 })
            .Build();

        Set(w, 1.0, 1.0);
        Assert.Equal(StepOutcome.Accumulated, pipeline.Step());
        Set(w, double.NaN, 1.0);
        Assert.Equal(StepOutcome.Skipped, pipeline.Step());
        Set(w, 1.0, double.NegativeInfinity);
        Assert.Equal(StepOutcome.Skipped, pipeline.Step());
        Assert.Equal([1.0, 2.0], w.Value.ToArray());
        Assert.Equal(2, pipeline.ConsecutiveSkips);
        Set(w, 3.0, 5.0);
        Assert.Equal(StepOutcome.Applied, pipeline.Step());
        Assert.Equal([1.0 - 2.0, 2.0 - 3.0], w.Value.ToArray()); // mean of the two finite micro-batches
        Assert.Equal(0, pipeline.ConsecutiveSkips);
        Assert.Equal(2, pipeline.SkippedSteps);
    }

    [Fact]
    public void TooManyNonFiniteStepsInARow_ThrowAClearError()
    {
        var w = new Parameter<double>("w", [1.0]);
        var pipeline = UpdatePipeline.For([w])
            .SkipNonFinite(maxConsecutive: 2)
            .Optimizer((ps, o) => new Sgd<double>(ps, o), new SgdOptions { LearningRate = 1.0 })
            .Build();
        w.Gradient.Span[0] = double.PositiveInfinity;
        Assert.Equal(StepOutcome.Skipped, pipeline.Step());
        Assert.Equal(StepOutcome.Skipped, pipeline.Step());
        var ex = Assert.Throws<NonFiniteGradientException>(() => pipeline.Step());
        Assert.Contains("3 steps in a row", ex.Message, StringComparison.Ordinal);
        Assert.Contains("at most 2", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1.0, w.Value.Span[0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(33)]
    public void NonFiniteCheck_FindsABadElementAtAnyPosition(int position)
    {
        var w = new Parameter<float>("w", new float[40]);
        var pipeline = UpdatePipeline.For([w]).SkipNonFinite().Optimizer((ps, o) => new Sgd<float>(ps, o), new SgdOptions()).Build();
        w.Gradient.Span.Fill(1f);
        w.Gradient.Span[position] = float.NaN;
        Assert.Equal(StepOutcome.Skipped, pipeline.Step());
        w.Gradient.Span[position] = float.MaxValue;
        Assert.Equal(StepOutcome.Applied, pipeline.Step());
    }

    [Fact]
    public void Clipping_SeesTheAccumulatedGradient()
    {
        var w = new Parameter<double>("w", [0.0, 0.0]);
        var pipeline = UpdatePipeline.For([w])
            .ClipByGlobalNorm(1.0)
            .AccumulateGradients(2, AccumulationMode.Sum)
            .Optimizer((ps, o) => new Sgd<double>(ps, o), new SgdOptions { LearningRate = 1.0 })
            .Build();
        Set(w, 3.0, 0.0);
        pipeline.Step();
        Set(w, 0.0, 4.0);
        pipeline.Step();
        Assert.Equal(5.0, pipeline.LastGradientNorm, 15);
        AssertClose([-3.0 / (5 + GradientClipping.NormEpsilon), -4.0 / (5 + GradientClipping.NormEpsilon)], w.Value.ToArray(), 1e-15);
    }

    [Fact]
    public void Schedule_AdvancesOncePerAppliedUpdate_NotPerMicroBatch()
    {
        var w = new Parameter<double>("w", [1.0]);
        var pipeline = UpdatePipeline.For([w])
            .Schedule(new ExponentialSchedule(0.5))
            .AccumulateGradients(3)
            .Optimizer((ps, o) => new Sgd<double>(ps, o), new SgdOptions { LearningRate = 0.8 })
            .Build();
        for (int i = 0; i < 7; i++)
        {
            pipeline.Step();
        }

        Assert.Equal(2, pipeline.AppliedSteps);
        Assert.Equal(0.2, pipeline.Optimizer.ParameterGroups[0].LearningRate);
        Assert.Equal(2, pipeline.Scheduler!.StepIndex);
    }

    [Fact]
    public void WeightDecayMask_GivesBiasesAndNormParametersNoDecay()
    {
        var weight = new Parameter<double>("0.weight", [1.0, 1.0, 1.0, 1.0], 2, 2);
        var bias = new Parameter<double>("0.bias", [1.0, 1.0]);
        var scale = new Parameter<double>("1.weight", [1.0, 1.0]);
        var pipeline = UpdatePipeline.For([weight, bias, scale])
            .ExcludeFromWeightDecay()
            .Optimizer((ps, o) => new Sgd<double>(ps, o), new SgdOptions { LearningRate = 0.1, WeightDecay = 0.5 })
            .Build();
        var groups = pipeline.Optimizer.ParameterGroups;
        Assert.Equal(2, groups.Count);
        Assert.Equal(["0.weight"], groups[0].ParameterNames);
        Assert.Equal(["0.bias", "1.weight"], groups[1].ParameterNames);
        Assert.Equal(0.5, ((SgdOptions)groups[0].Options).WeightDecay);
        Assert.Equal(0.0, ((SgdOptions)groups[1].Options).WeightDecay);

        pipeline.Step(); // zero gradients: only decay moves anything
        Assert.Equal(1.0 - (0.1 * 0.5), weight.Value.Span[0], 15);
        Assert.Equal(1.0, bias.Value.Span[0]);
        Assert.Equal(1.0, scale.Value.Span[0]);
    }

    [Fact]
    public void WeightDecayMask_ByName_AndForDecoupledAdamW()
    {
        var w = new Parameter<double>("fc.weight", [1.0], 1, 1);
        var b = new Parameter<double>("fc.bias", [1.0], 1, 1);
        var adamw = WeightDecayMask.NamesEndingWith(".bias").Apply([w, b], new AdamWOptions { LearningRate = 0.1, WeightDecay = 0.1 }, (ps, o) => new AdamW<double>(ps, o));
        adamw.Step();
        Assert.Equal(1.0 - (0.1 * 0.1), w.Value.Span[0], 15);
        Assert.Equal(1.0, b.Value.Span[0]);
    }

    [Fact]
    public void WeightDecayMask_RefusesWhatCannotApply()
    {
        var w = new Parameter<double>("w", [1.0]);
        var noDecay = UpdatePipeline.For([w]).ExcludeFromWeightDecay().Optimizer((ps, o) => new Rprop<double>(ps, o), new RpropOptions());
        Assert.Contains("no weight decay", Assert.Throws<InvalidOperationException>(() => noDecay.Build()).Message, StringComparison.Ordinal);

        var existing = new Sgd<double>([w]);
        var prebuilt = UpdatePipeline.For([w]).ExcludeFromWeightDecay().Optimizer(existing);
        Assert.Contains("WeightDecayMask.Apply", Assert.Throws<InvalidOperationException>(() => prebuilt.Build()).Message, StringComparison.Ordinal);

        var other = new Parameter<double>("other", [1.0]);
        Assert.Throws<ArgumentException>(() => UpdatePipeline.For([w, other]).Optimizer(existing));
    }

    [Fact]
    public void Stages_ReadInExecutionOrder_WhateverTheDeclarationOrder()
    {
        var w = new Parameter<double>("w", [1.0], 1, 1);
        var pipeline = UpdatePipeline.For([w])
            .AverageWeights(0.99)
            .Schedule(new CosineAnnealingSchedule(100))
            .Optimizer((ps, o) => new Sgd<double>(ps, o), new SgdOptions { LearningRate = 0.1, WeightDecay = 1e-4 })
            .ExcludeFromWeightDecay()
            .ClipByGlobalNorm(1.0)
            .AccumulateGradients(4)
            .SkipNonFinite(5)
            .Build();
        string[] expected =
        [
            "skip non-finite gradients (error after 5 in a row)",
            "accumulate 4 micro-batches (mean)",
            "clip the global L2 norm to 1",
            "no weight decay for parameters with fewer than 2 dimensions (biases, normalisation scales and shifts)",
            "update with Sgd",
            "schedule CosineAnnealingLR(T_max=100, eta_min=0)",
            "average the weights (decay 0.99)",
        ];
        Assert.Equal(expected, pipeline.Stages);
        Assert.Equal(string.Join(" → ", expected), pipeline.ToString());
    }

    [Fact]
    public void StagesDeclaredTwice_OrNoOptimizer_AreRejected()
    {
        var w = new Parameter<double>("w", [1.0]);
        Assert.Throws<InvalidOperationException>(() => UpdatePipeline.For([w]).ClipByValue(1).ClipByGlobalNorm(1));
        Assert.Throws<InvalidOperationException>(() => UpdatePipeline.For([w]).ClipByValue(1).Build());
        Assert.Equal("microBatches", Assert.Throws<ArgumentOutOfRangeException>(() => UpdatePipeline.For([w]).AccumulateGradients(0)).ParamName);
        Assert.Equal("maxConsecutive", Assert.Throws<ArgumentOutOfRangeException>(() => UpdatePipeline.For([w]).SkipNonFinite(-1)).ParamName);
        Assert.Equal("decay", Assert.Throws<ArgumentOutOfRangeException>(() => UpdatePipeline.For([w]).AverageWeights(1.0)).ParamName);
    }

    [Fact]
    public void Step_AllocatesNothing_AfterTheFirstCall()
    {
        var values = new float[300];
        var grads = new float[300];
        var a = new Parameter<float>("a", values.AsMemory(0, 200), grads.AsMemory(0, 200), 10, 20);
        var b = new Parameter<float>("b", values.AsMemory(200, 100), grads.AsMemory(200, 100));
        var pipeline = UpdatePipeline.For([a, b])
            .SkipNonFinite()
            .AccumulateGradients(2)
            .ClipByGlobalNorm(0.5)
            .ExcludeFromWeightDecay()
            .Optimizer((ps, o) => new Sgd<float>(ps, o), new SgdOptions { LearningRate = 0.01, Momentum = 0.9, WeightDecay = 1e-4 })
            .Schedule(EveryStepSchedule.For(momentum: true))
            .AverageWeights()
            .Build();
        grads.AsSpan().Fill(0.3f);
        for (int i = 0; i < 4; i++)
        {
            pipeline.Step();
        }

        var scheduled = EveryStepSchedule.Values(pipeline.Optimizer);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            grads.AsSpan().Fill(0.3f);
            pipeline.Step();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        EveryStepSchedule.AssertMoved(pipeline.Optimizer, scheduled);
    }

    [Fact]
    public void Step_WhileTheAverageIsSwappedIn_IsRejected()
    {
        var w = new Parameter<double>("w", [1.0]);
        var pipeline = UpdatePipeline.For([w]).AverageWeights(0.5).Optimizer((ps, o) => new Sgd<double>(ps, o), new SgdOptions()).Build();
        pipeline.Step();
        using (pipeline.Average!.Apply())
        {
            Assert.Throws<InvalidOperationException>(() => pipeline.Step());
        }

        Assert.Equal(StepOutcome.Applied, pipeline.Step());
    }

    private static double MicroGradient(int update, int micro, int i) => Math.Sin((7 * update) + (3 * micro) + i) + (0.1 * i);

    private static void Set(Parameter<double> w, double g0, double g1)
    {
        w.Gradient.Span[0] = g0;
        w.Gradient.Span[1] = g1;
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}]: expected {expected[i]}, got {actual[i]}");
        }
    }
}
