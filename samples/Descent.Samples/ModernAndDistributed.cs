#region README distributed
using Descent.Distributed;

#endregion
using Descent.Data;
using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Pipeline;
using Descent.Training;

namespace Samples;

/// <summary>
/// The README's Muon pairing and its data-parallel loop. Compiled with every build; not run by the tests: the second
/// needs mpiexec, and the distributed tests run the same pieces under <c>mpiexec -n 2</c>.
/// </summary>
public static class ModernAndDistributed
{
    /// <summary>Muon for the matrices, AdamW for the rest, as one optimizer.</summary>
    /// <param name="network">The network whose parameters it updates.</param>
    /// <returns>The paired optimizer.</returns>
    public static IOptimizer<float> MuonWithAdamW(Network<float> network)
    {
        #region README muon pairing
        var optimizer = new MatrixSplitOptimizer<float>(network.Parameters,
            matrices => new Muon<float>(matrices, new MuonOptions { LearningRate = 0.02 }),
            rest => new AdamW<float>(rest, new AdamWOptions { LearningRate = 3e-3 }));
        #endregion
        return optimizer;
    }

    /// <summary>One rank's data-parallel training loop (run under mpiexec).</summary>
    /// <param name="net">The network, initialised identically on every rank.</param>
    /// <param name="sampler">The global batch order, seeded identically on every rank.</param>
    /// <param name="train">The training data.</param>
    /// <param name="steps">How many steps to train.</param>
    public static void DataParallelTraining(Network<float> net, IBatchSource<float> sampler, TensorDataset<float> train, int steps)
    {
        #region README distributed
        using var world = MpiCommunicator.Initialize();                   // once per process, under mpiexec
        var parallel = new DataParallel(world);
        var batches = new ShardedBatches<float>(sampler, train, world.Rank, world.Size);   // this rank's rows of each global batch
        var pipeline = UpdatePipeline.For(net.Parameters)
            .Optimizer(new ZeroRedundancyOptimizer<float>(net.Parameters, ps => new Adam<float>(ps, new AdamOptions()), world))
            .Build();
        var loop = new TrainingLoop<float>(net, pipeline, batches, new TrainingLoopOptions<float>
        {
            Reducer = new MpiGradientReducer<float>(parallel, batches),   // all-reduce between backward and the pipeline
        });
        #endregion
        loop.Run(steps);
    }
}
