using BenchmarkDotNet.Attributes;
using Descent.Optimizers;

namespace Descent.Benchmarks;

/// <summary>
/// <c>Step()</c> on 10M float parameters next to a STREAM-style triad over the same bytes, so the
/// ratio of the two is the fraction of this machine's bandwidth the optimizer reaches.
/// </summary>
[MemoryDiagnoser]
public class OptimizerStepBenchmarks
{
    private const int Length = 10_000_000;
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];
    private Sgd<float> _sgd = null!;

    [GlobalSetup]
    public void Setup()
    {
        _a = new float[Length];
        _b = new float[Length];
        _c = new float[Length];
        _b.AsSpan().Fill(1f);
        _c.AsSpan().Fill(2f);
        var parameter = new Parameter<float>("w", new float[Length]);
        parameter.Gradient.Span.Fill(1e-3f);
        _sgd = new Sgd<float>([parameter], new SgdOptions { LearningRate = 1e-3 });
    }

    /// <summary>a = b + s·c: 12 bytes per element, the bandwidth yardstick.</summary>
    [Benchmark(Baseline = true)]
    public void Triad()
    {
        var a = _a.AsSpan();
        var b = _b.AsSpan();
        var c = _c.AsSpan();
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = b[i] + (3f * c[i]);
        }
    }

    /// <summary>Plain SGD: reads θ and g, writes θ (12 bytes per element).</summary>
    [Benchmark]
    public void Sgd() => _sgd.Step();
}
