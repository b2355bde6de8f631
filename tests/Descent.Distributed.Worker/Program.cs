using System.Globalization;
using Descent.Distributed;
using Descent.Distributed.Testing;
using Descent.NeuralNetworks;
using Descent.Optimizers;

// The program the MPI tests launch with `mpiexec -n N`: MPI can start only once per process, so each scenario
// runs in fresh processes and leaves its results as files in OUT for the test to compare.
//   worker train OUT       data-parallel and ZeRO-1 runs of TinyTraining; parameters, state and a resumed ZeRO run
//   worker nullref OUT     a null dereference after MPI_Init is still a catchable exception
//   worker crash OUT       rank 1 throws; the job must end with its message
//   worker disagree OUT    rank 1 perturbs one parameter; the hash check must stop the job
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: worker train|nullref|crash|disagree OUT");
    return 2;
}

string scenario = args[0], output = args[1];
var world = MpiCommunicator.Initialize();
try
{
    switch (scenario)
    {
        case "train":
            Scenarios.Train(world, output);
            break;
        case "nullref":
            Scenarios.NullReference(world, output);
            break;
        case "crash":
            if (world.Rank == 1)
            {
                throw new InvalidOperationException("rank 1 failed on purpose");
            }

            world.Barrier();
            break;
        case "disagree":
            Scenarios.Disagree(world);
            break;
        default:
            throw new ArgumentException($"unknown scenario '{scenario}'");
    }
}
catch (RanksDisagreeException e)
{
    // Collective: every rank throws it at the same point, so the job ends cleanly, as the CLI's does.
    Console.Error.WriteLine($"rank {world.Rank}: {e.Message}");
    world.Dispose();
    return 1;
}
#pragma warning disable CA1031 // The point: any failure on one rank must end the whole job, not leave the others waiting.
catch (Exception e)
#pragma warning restore CA1031
{
    Console.Error.WriteLine($"rank {world.Rank}: {e.GetType().Name}: {e.Message}");
    world.Abort(1);
}

world.Dispose();
return 0;

internal static class Scenarios
{
    public static void Train(MpiCommunicator world, string output)
    {
        var parallel = new DataParallel(world);
        var plain = Run(parallel, sharded: false, steps: TinyTraining.Steps, state: null);
        Write(output, $"dp-{world.Rank}.bin", plain.Net.Storage.Values);

        var zero = Run(parallel, sharded: true, steps: TinyTraining.Steps, state: null);
        Write(output, $"zero-{world.Rank}.bin", zero.Net.Storage.Values);
        var state = zero.Optimizer.SaveState();
        foreach (var (name, snapshot) in state.Parameters)
        {
            foreach (var (key, buffer) in snapshot.Buffers)
            {
                Write(output, $"zero-state-{name}-{key}-{world.Rank}.bin", buffer);
            }
        }

        // Resume: half the steps, gather the state, load it into a fresh sharded optimizer, run the rest.
        int half = TinyTraining.Steps / 2;
        var first = Run(parallel, sharded: true, steps: half, state: null);
        var resumed = Run(parallel, sharded: true, steps: TinyTraining.Steps, state: (first.Optimizer.SaveState(), first.Net.Storage.Values, half));
        Write(output, $"zero-resumed-{world.Rank}.bin", resumed.Net.Storage.Values);
        var memory = OptimizerMemory.StateBytes(zero.Optimizer);
        File.WriteAllText(Path.Combine(output, $"zero-state-bytes-{world.Rank}.txt"), memory.ToString(CultureInfo.InvariantCulture));
    }

    private static (MultiLayerNet<float> Net, IOptimizer<float> Optimizer) Run(
        DataParallel parallel, bool sharded, int steps, (OptimizerState<float> State, float[] Values, int Step)? state)
    {
        var net = TinyTraining.Network();
        IOptimizer<float> optimizer = sharded
            ? new ZeroRedundancyOptimizer<float>(net.Parameters, TinyTraining.CreateOptimizer, parallel.Communicator)
            : TinyTraining.CreateOptimizer(net.Parameters);
        int from = 0;
        if (state is { } saved)
        {
            saved.Values.CopyTo(net.Storage.Values, 0);
            optimizer.LoadState(saved.State);
            from = saved.Step;
        }

        var (x, labels) = TinyTraining.Data();
        var batches = TinyTraining.Batches();
        var shard = parallel.Shard(TinyTraining.GlobalBatch);
        for (int s = from; s < steps; s++)
        {
            var (sx, sl) = TinyTraining.Slice(x, labels, batches[s], shard.Start, shard.Count);
            net.ComputeGradients(sx, shard.Count, sl);
            parallel.AllReduceGradients<float>(net.Storage.Gradients, shard);
            optimizer.Step();
            parallel.CheckParametersAgree<float>(net.Storage.Values, s);
        }

        return (net, optimizer);
    }

    public static void NullReference(MpiCommunicator world, string output)
    {
        string? nothing = Environment.GetEnvironmentVariable("DESCENT_TEST_VARIABLE_THAT_IS_NEVER_SET");
        try
        {
            _ = nothing!.Length;
            File.WriteAllText(Path.Combine(output, $"nullref-{world.Rank}.txt"), "no exception");
        }
        catch (NullReferenceException)
        {
            File.WriteAllText(Path.Combine(output, $"nullref-{world.Rank}.txt"), "caught");
        }

        world.Barrier();
    }

    public static void Disagree(MpiCommunicator world)
    {
        var parallel = new DataParallel(world);
        var net = TinyTraining.Network();
        if (world.Rank == 1)
        {
            net.Storage.Values[7] = MathF.BitIncrement(net.Storage.Values[7]);
        }

        parallel.CheckParametersAgree<float>(net.Storage.Values, 0);
    }

    private static void Write(string folder, string name, float[] values) => File.WriteAllBytes(Path.Combine(folder, name), TinyTraining.Bits(values));
}
