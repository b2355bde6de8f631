using BenchmarkDotNet.Attributes;
using Descent.Optimizers;
using Descent.Pipeline;
using Descent.Schedules;

namespace Descent.Benchmarks;

/// <summary>
/// What the update pipeline costs around the optimizer's kernel on 1M float parameters: Adam alone, then
/// Adam inside a pipeline with non-finite check, global-norm clipping, a cosine schedule and a weight
/// average (each one more pass over the gradients or weights).
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private const int Length = 1_000_000;
    private Adam<float> _adam = null!;
    private UpdatePipeline<float> _pipeline = null!;
    private UpdatePipeline<float> _accumulating = null!;

    [GlobalSetup]
    public void Setup()
    {
        _adam = new Adam<float>([Parameter("w")], new AdamOptions { LearningRate = 1e-4 });
        _pipeline = UpdatePipeline.For([Parameter("w")])
            .SkipNonFinite()
            .ClipByGlobalNorm(1.0)
            .Optimizer((ps, o) => new Adam<float>(ps, o), new AdamOptions { LearningRate = 1e-4 })
            .Schedule(new CosineAnnealingSchedule(1_000_000))
            .AverageWeights(0.999)
            .Build();
        _accumulating = UpdatePipeline.For([Parameter("w")])
            .AccumulateGradients(4)
            .Optimizer((ps, o) => new Adam<float>(ps, o), new AdamOptions { LearningRate = 1e-4 })
            .Build();
    }

    /// <summary>The fused Adam kernel alone.</summary>
    [Benchmark(Baseline = true)]
    public void Adam() => _adam.Step();

    /// <summary>Skip-check, clip, Adam, schedule and weight average.</summary>
    [Benchmark]
    public void FullPipeline() => _pipeline.Step();

    /// <summary>One micro-batch of a 4-step accumulation (three of four only add to the running sum).</summary>
    [Benchmark]
    public void AccumulateOfFour() => _accumulating.Step();

    private static Parameter<float> Parameter(string name)
    {
        var p = new Parameter<float>(name, new float[Length]);
        var g = p.Gradient.Span;
        for (int i = 0; i < g.Length; i++)
        {
            g[i] = 1e-3f * ((i % 17) - 8);
        }

        return p;
    }
}
