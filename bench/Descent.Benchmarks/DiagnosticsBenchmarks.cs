using BenchmarkDotNet.Attributes;
using Descent.Data;
using Descent.NeuralNetworks;
using Descent.Numerics;
using Descent.Optimizers;
using Descent.Pipeline;
using Descent.Randomness;
using Descent.Training;

namespace Descent.Benchmarks;

/// <summary>
/// The cost of <see cref="TrainingDiagnostics{T}"/>: 200 iterations of the book's MNIST network (784-100-100-100-100-10,
/// batch 128, float, Adam — the optimizer whose effective steps are also sorted) through the library's training loop,
/// without the observer and with it at the lab's default interval for a 2000-iteration run (every 40th step). The
/// goal is a ratio ≤ 1.05.
/// </summary>
[MemoryDiagnoser]
public class DiagnosticsBenchmarks
{
    private const int Iterations = 200;
    private TrainingLoop<float> _loop = null!;
    private Denormals.FlushScope? _flush;

    /// <summary>Whether the diagnostics observer watches the loop.</summary>
    [Params(false, true)]
    public bool Diagnostics { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new SeededRandom(1);
        const int examples = 1280;
        float[] x = new float[examples * 784];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = random.NextDouble() < 0.8 ? 0f : (float)random.NextDouble();
        }

        int[] labels = [.. Enumerable.Range(0, examples).Select(_ => random.NextInt(10))];
        var network = new MultiLayerNet<float>(784, [100, 100, 100, 100], 10, random: random);
        var pipeline = UpdatePipeline.For(network.Parameters).Optimizer(new Adam<float>(network.Parameters)).Build();
        var batches = new MiniBatchSampler<float>(new TensorDataset<float>(x, labels, [784], 10), 128, BatchOrder.WithReplacement, random);
        ITrainingObserver[] observers = Diagnostics ? [new TrainingDiagnostics<float>(network, pipeline, TrainingDiagnostics.DefaultInterval(2000))] : [];
        _loop = new TrainingLoop<float>(network, pipeline, batches, new TrainingLoopOptions<float> { Observers = observers });
        _flush = Denormals.IsSupported ? Denormals.Flush() : null;
    }

    [GlobalCleanup]
    public void Cleanup() => _flush?.Dispose();

    /// <summary>200 more training iterations.</summary>
    [Benchmark]
    public long Train() => _loop.Run(_loop.Step + Iterations).Steps;
}
