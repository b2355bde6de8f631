using Descent.Optimizers;
using Descent.Pipeline;
using Descent.Schedules;

namespace Descent.Tests.Pipeline;

/// <summary>A pipeline saved mid-run (even mid-accumulation window) and resumed in fresh objects continues bit-identically.</summary>
public class PipelineStateTests
{
    private const int MicroSteps = 90;

    [Fact]
    public void ResumedPipeline_ContinuesBitIdentically()
    {
        var reference = Run(interruptAt: null);
        foreach (int at in new[] { 1, 2, 13, 44, 89 })
        {
            var resumed = Run(at);
            Assert.Equal(reference.Weights, resumed.Weights);
            Assert.Equal(reference.Average, resumed.Average);
            Assert.Equal(reference.Counters, resumed.Counters);
        }
    }

    [Fact]
    public void LoadState_RejectsAStateFromAnotherDeclaration()
    {
        var (_, pipeline) = Build(withAverage: true);
        var (_, other) = Build(withAverage: false);
        Assert.Throws<ArgumentException>(() => other.LoadState(pipeline.SaveState()));
    }

    private static (double[] Weights, double[] Average, (long, long, int) Counters) Run(int? interruptAt)
    {
        var (parameters, pipeline) = Build(withAverage: true);
        for (int t = 0; t < MicroSteps; t++)
        {
            if (t == interruptAt)
            {
                var state = pipeline.SaveState();
                var values = parameters.Select(p => p.Value.ToArray()).ToArray();
                (parameters, pipeline) = Build(withAverage: true);
                for (int i = 0; i < values.Length; i++)
                {
                    values[i].CopyTo(parameters[i].Value);
                }

                pipeline.LoadState(state);
            }

            for (int i = 0; i < parameters.Length; i++)
            {
                var g = parameters[i].Gradient.Span;
                for (int j = 0; j < g.Length; j++)
                {
                    g[j] = t % 11 == 5 && j == 0 ? double.NaN : Math.Sin((t * 0.37) + (i * 1.3) + j) + (0.1 * parameters[i].Value.Span[j]);
                }
            }

            pipeline.Step();
        }

        return (
            [.. parameters.SelectMany(p => p.Value.ToArray())],
            [.. Enumerable.Range(0, parameters.Length).SelectMany(i => pipeline.Average!.ValuesOf(i).ToArray())],
            (pipeline.AppliedSteps, pipeline.SkippedSteps, pipeline.ConsecutiveSkips));
    }

    private static (Parameter<double>[], UpdatePipeline<double>) Build(bool withAverage)
    {
        Parameter<double>[] parameters =
        [
            new("w", [0.5, -0.25, 1.0, 2.0, -1.0, 0.75], 2, 3),
            new("b", [0.1, -0.2]),
        ];
        var builder = UpdatePipeline.For(parameters)
            .SkipNonFinite(3)
            .AccumulateGradients(3)
            .ClipByGlobalNorm(0.5)
            .ExcludeFromWeightDecay()
            .Optimizer((ps, o) => new Sgd<double>(ps, o), new SgdOptions { LearningRate = 0.05, Momentum = 0.9, WeightDecay = 0.01 })
            .Schedule(new OneCycleSchedule(0.2, 40));
        if (withAverage)
        {
            builder.AverageWeights(0.9);
        }

        return (parameters, builder.Build());
    }
}
