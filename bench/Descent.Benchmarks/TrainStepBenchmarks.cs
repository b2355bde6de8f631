using BenchmarkDotNet.Attributes;
using Descent.NeuralNetworks;
using Descent.Numerics;
using Descent.Optimizers;
using Descent.Randomness;

namespace Descent.Benchmarks;

/// <summary>
/// One training iteration of the book's MNIST network (784-100-100-100-100-10, ReLU, He init) at batch 128 in
/// float: forward, softmax cross-entropy, backward, optimizer step. Inputs are MNIST-like (80 % zeros).
/// For scale: TorchSharp takes about 1.9 ms per iteration on the reference machine; the target is ≤ 0.5 ms.
/// Subnormals are flushed to zero (as the lab runs), since Adam's second moment otherwise decays into them.
/// </summary>
[MemoryDiagnoser]
public class TrainStepBenchmarks
{
    private const int Batch = 128;
    private readonly float[] _x = new float[Batch * 784];
    private readonly int[] _labels = new int[Batch];
    private MultiLayerNet<float> _net = null!;
    private IOptimizer<float> _optimizer = null!;
    private Denormals.FlushScope? _flush;

    /// <summary>The optimizer, as the catalog names it.</summary>
    [Params("SGD:lr=0.01", "Adam:lr=0.001")]
    public string Optimizer { get; set; } = "Adam:lr=0.001";

    [GlobalSetup]
    public void Setup()
    {
        var random = new SeededRandom(1);
        for (int i = 0; i < _x.Length; i++)
        {
            _x[i] = random.NextDouble() < 0.8 ? 0f : (float)random.NextDouble();
        }

        for (int i = 0; i < Batch; i++)
        {
            _labels[i] = random.NextInt(10);
        }

        _net = new MultiLayerNet<float>(784, [100, 100, 100, 100], 10, random: random);
        _optimizer = OptimizerCatalog.Create(Optimizer, _net.Parameters);
        _flush = Denormals.IsSupported ? Denormals.Flush() : null;
    }

    [GlobalCleanup]
    public void Cleanup() => _flush?.Dispose();

    /// <summary>Forward, loss, backward and one optimizer step.</summary>
    [Benchmark]
    public float TrainStep()
    {
        float loss = _net.ComputeGradients(_x, Batch, _labels);
        _optimizer.Step();
        return loss;
    }

    /// <summary>Forward and loss only (evaluation cost).</summary>
    [Benchmark]
    public float Forward() => _net.Loss(_x, Batch, _labels);
}
