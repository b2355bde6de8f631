using System.Globalization;
using System.Numerics;
using Descent.Data;
using Descent.Distributed;
using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Pipeline;
using Descent.Training;

namespace Descent.Cli.Lab;

/// <summary>
/// How <c>descent train</c> runs as one rank of <c>mpiexec -n N</c>: the same seed everywhere, each rank computes its
/// slice of every global batch, gradients are all-reduced, and only rank 0 prints and writes the run folder.
/// </summary>
/// <param name="World">The MPI job.</param>
/// <param name="ShardOptimizerState">ZeRO-1: each rank keeps the optimizer state of 1/N of the parameters.</param>
internal sealed record ParallelTraining(MpiCommunicator World, bool ShardOptimizerState)
{
    /// <summary>Steps between checks that every rank still holds the same parameters.</summary>
    public const int AgreementEvery = 100;

    public DataParallel Parallel { get; } = new(World);

    /// <summary>Whether this rank prints, writes checkpoints, the run record and the figures (rank 0).</summary>
    public bool Writes => World.Rank == 0;

    /// <summary>Refuses settings that data parallelism would silently change.</summary>
    /// <param name="settings">The run's settings.</param>
    /// <exception cref="UsageException">The batch is smaller than the number of processes, or dropout is on.</exception>
    public void Validate(MnistSettings settings)
    {
        if (settings.BatchSize < World.Size)
        {
            throw new UsageException($"--batch-size {settings.BatchSize} cannot be split over {World.Size} processes; the global batch needs at least one row per process.");
        }

        if (settings.Dropout > 0 && World.Size > 1)
        {
            throw new UsageException($"--dropout is not supported with more than one process yet: every process would draw the same masks for its rows, unlike the single-process run.");
        }
    }

    /// <summary>One line for the console: processes, slices, where the state lives.</summary>
    public string Describe(int batch)
    {
        var shard = BatchShard.For(0, World.Size, batch);
        string rows = batch % World.Size == 0 ? $"{shard.Count}" : $"{shard.Count - 1}–{shard.Count}";
        string state = ShardOptimizerState ? "optimizer state sharded (ZeRO-1)" : "every process keeps the whole optimizer state";
        return string.Create(CultureInfo.InvariantCulture,
            $"Data-parallel over {World.Size} processes ({World.LocalSize} on this host, {Environment.ProcessorCount} compute thread(s) each; {World.LibraryVersion}): each computes {rows} rows of every batch of {batch}; {state}.");
    }
}

/// <summary>
/// The data-parallel pieces of one <c>descent train</c> run, plugged into the library's training loop: the rank's
/// batches, the gradient all-reduce, the global loss (which also carries any rank's Ctrl-C, so every rank stops after
/// the same step), the sharded optimizer, the parameter-agreement check and the measured optimizer-state memory.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal sealed class DataParallelRun<T>(ParallelTraining parallel, Network<T> network, CancellationToken localStop) : ITrainingObserver, IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly CancellationTokenSource _agreedStop = new();
    private ShardedBatches<T>? _batches;
    private bool _measured;

    /// <summary>Cancelled after the step at which any rank was asked to stop (the same step on every rank).</summary>
    public CancellationToken Stop => _agreedStop.Token;

    /// <summary>The pipeline, once built (its optimizer's state is measured after the first step).</summary>
    public UpdatePipeline<T>? Pipeline { get; set; }

    /// <summary>Optimizer-state bytes on this rank and on all ranks together, measured after the first step.</summary>
    public (long PerRank, long Total)? StateBytes { get; private set; }

    /// <summary>The optimizer over the network's parameters: sharded (ZeRO-1) or whole.</summary>
    public IOptimizer<T> Optimizer(IReadOnlyList<Parameter<T>> parameters, Func<IReadOnlyList<Parameter<T>>, IOptimizer<T>> create) =>
        parallel.ShardOptimizerState ? new ZeroRedundancyOptimizer<T>(parameters, create, parallel.World) : create(parameters);

    /// <summary>This rank's slice of every global batch.</summary>
    public IBatchSource<T> Batches(IBatchSource<T> global, TensorDataset<T> data) =>
        _batches = new ShardedBatches<T>(global, data, parallel.World.Rank, parallel.World.Size);

    /// <summary>The loop's options with the all-reduce hook, the global loss and this observer added.</summary>
    public TrainingLoopOptions<T> Options(TrainingLoopOptions<T> options)
    {
        var batches = _batches ?? throw new InvalidOperationException("Batches() must come before Options().");
        if (options.Recording != LossRecording.AfterUpdate)
        {
            throw new InvalidOperationException("Data-parallel train records the loss after the update (the all-reduced loss carries the stop request).");
        }

        var local = options.MeasureLoss ?? ((n, b) => double.CreateTruncating(n.Loss(b.Features, b.Count, b.Labels.Span)));
        return options with
        {
            Reducer = new MpiGradientReducer<T>(parallel.Parallel, batches),
            MeasureLoss = (n, b) =>
            {
                var (mean, stop) = parallel.Parallel.AllReduceLoss(local(n, b), batches.Current, localStop.IsCancellationRequested);
                if (stop)
                {
                    _agreedStop.Cancel();
                }

                return mean;
            },
            Observers = [.. options.Observers, this],
        };
    }

    public void OnStep(in StepReport report)
    {
        if (!_measured && Pipeline is not null)
        {
            _measured = true;
            long local = OptimizerMemory.StateBytes(Pipeline.Optimizer);
            Span<double> total = [local];
            parallel.World.AllReduceSum(total);
            StateBytes = (local, (long)total[0]);
        }

        if (report.Step % ParallelTraining.AgreementEvery == 0)
        {
            parallel.Parallel.CheckParametersAgree<T>(network.Storage.Values, report.Step);
        }
    }

    public void OnEnd(TrainingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        parallel.Parallel.CheckParametersAgree<T>(network.Storage.Values, result.Steps);
    }

    public void Dispose() => _agreedStop.Dispose();
}
