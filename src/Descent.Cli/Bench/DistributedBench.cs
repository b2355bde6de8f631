using System.Diagnostics;
using System.Text.Json;
using Descent.Distributed;
using Descent.Numerics;
using Descent.Optimizers;

namespace Descent.Cli.Bench;

/// <summary>What <c>descent bench --distributed</c> measured; <c>--json</c> prints it with snake_case names.</summary>
internal sealed class DistributedBenchReport
{
    public string Date { get; init; } = string.Empty;

    public string Mode { get; init; } = string.Empty;

    /// <summary>Ranks in the job.</summary>
    public int Ranks { get; init; }

    /// <summary>Ranks on this host (MPI_LOCALNRANKS).</summary>
    public int LocalRanks { get; init; }

    /// <summary>Compute threads each rank may use (Environment.ProcessorCount of a rank).</summary>
    public int ThreadsPerRank { get; init; }

    public string MpiLibrary { get; init; } = string.Empty;

    /// <summary>The hint to give each rank fewer threads, when they would oversubscribe the host; null otherwise.</summary>
    public string? ThreadAdvice { get; init; }

    public bool FlushToZero { get; init; }

    public List<AllReduceReport> AllReduce { get; } = [];

    public List<ParallelStepReport> Step { get; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, BenchReport.Json);
}

/// <summary>One all-reduce size: time (slowest rank) and bandwidth.</summary>
internal sealed class AllReduceReport
{
    public long Floats { get; init; }

    /// <summary>Elements per MPI_Allreduce call.</summary>
    public long Bucket { get; init; }

    public double Ms { get; init; }

    public double MsMin { get; init; }

    public double MsMax { get; init; }

    /// <summary>Buffer bytes over time: the "algorithm bandwidth" of NCCL's tests.</summary>
    public double AlgorithmGbps { get; init; }

    /// <summary>Algorithm bandwidth × 2(N − 1)/N, the bytes each rank must move in an optimal all-reduce (NCCL's "bus bandwidth").</summary>
    public double BusGbps { get; init; }
}

/// <summary>One data-parallel training step of the book network at a given number of ranks.</summary>
internal sealed class ParallelStepReport
{
    public int Ranks { get; init; }

    public string Net { get; init; } = string.Empty;

    public int GlobalBatch { get; init; }

    public string Optimizer { get; init; } = string.Empty;

    /// <summary>Forward, backward, gradient all-reduce and Step(), slowest rank.</summary>
    public double Ms { get; init; }

    public double MsMin { get; init; }

    public double MsMax { get; init; }

    /// <summary>The all-reduce of the flat gradient alone, at this size.</summary>
    public double AllReduceMs { get; init; }
}

/// <summary>
/// The measurements of <c>descent bench --distributed</c>, run by every rank of an MPI job: all-reduce time and bandwidth
/// by size, and the data-parallel step of the book network with one rank (the others waiting idle) and with all.
/// Every collective is repeated the same number of times on every rank (rank 0 decides and broadcasts); a timing is
/// the slowest rank's.
/// </summary>
internal sealed class DistributedBench(MpiCommunicator world, BenchSizes sizes, TextWriter progress)
{
    private static readonly int[] FullSizes = [1_000, 10_000, 109_810, 1_000_000, 10_000_000];
    private static readonly int[] TinySizes = [1_000, 109_810];

    public DistributedBenchReport Run()
    {
        using var flush = Denormals.IsSupported ? Denormals.Flush() : default(Denormals.FlushScope?);
        var report = new DistributedBenchReport
        {
            Date = BenchReport.UtcNow(),
            Mode = sizes.Name,
            Ranks = world.Size,
            LocalRanks = world.LocalSize,
            ThreadsPerRank = Environment.ProcessorCount,
            MpiLibrary = world.LibraryVersion,
            ThreadAdvice = world.ThreadAdvice,
            FlushToZero = Denormals.FlushToZero,
        };
        foreach (int length in sizes.Name == BenchSizes.Tiny.Name ? TinySizes : FullSizes)
        {
            report.AllReduce.Add(AllReduce(length, bucket: length));
            if (length >= 4 << 20)
            {
                report.AllReduce.Add(AllReduce(length, bucket: 1 << 20));
            }
        }

        report.Step.Add(Step(ranks: 1));
        if (world.Size > 1)
        {
            report.Step.Add(Step(ranks: world.Size));
        }

        return report;
    }

    private AllReduceReport AllReduce(int length, int bucket)
    {
        var buffer = new float[length];
        buffer.AsSpan().Fill(1f / world.Size);
        var timing = MeasureTogether(() => world.AllReduceSum<float>(buffer, bucket));
        double bytes = 4.0 * length;
        double gbps = bytes / (timing.Median * 1e-3) / 1e9;
        var row = new AllReduceReport
        {
            Floats = length,
            Bucket = bucket,
            Ms = timing.Median,
            MsMin = timing.Min,
            MsMax = timing.Max,
            AlgorithmGbps = gbps,
            BusGbps = gbps * 2 * (world.Size - 1) / world.Size,
        };
        Say(FormattableString.Invariant($"all-reduce {length:N0} floats (buckets of {bucket:N0}): {row.Ms:F4} ms, {row.AlgorithmGbps:F2} GB/s"));
        return row;
    }

    /// <summary>The book network's step on <paramref name="ranks"/> ranks: 1 = rank 0 alone while the others sleep in a barrier.</summary>
    private ParallelStepReport Step(int ranks)
    {
        string net = BenchRunner.BookNet;
        int batch = BenchRunner.BookBatch;
        var (network, inputs, labels) = BenchRunner.BookProblem(batch);
        var optimizer = OptimizerCatalog.Create<float>("adam:lr=0.001", network.Parameters);
        var parallel = new DataParallel(world);
        Timing timing, reduce;
        if (ranks == 1)
        {
            timing = reduce = default;
            if (world.Rank == 0)
            {
                timing = Measure(() =>
                {
                    network.ComputeGradients(inputs, batch, labels);
                    optimizer.Step();
                });
            }

            world.IdleBarrier(TimeSpan.FromMilliseconds(1));
        }
        else
        {
            var shard = parallel.Shard(batch);
            var x = inputs.AsMemory(shard.Start * 784, shard.Count * 784);
            var y = labels.AsMemory(shard.Start, shard.Count);
            timing = MeasureTogether(() =>
            {
                network.ComputeGradients(x, shard.Count, y.Span);
                parallel.AllReduceGradients<float>(network.Storage.Gradients, shard);
                optimizer.Step();
            });
            reduce = MeasureTogether(() => world.AllReduceSum<float>(network.Storage.Gradients));
        }

        var row = new ParallelStepReport
        {
            Ranks = ranks,
            Net = net,
            GlobalBatch = batch,
            Optimizer = "Adam",
            Ms = timing.Median,
            MsMin = timing.Min,
            MsMax = timing.Max,
            AllReduceMs = reduce.Median,
        };
        Say(FormattableString.Invariant($"data-parallel step, {ranks} rank(s), {net} batch {batch} Adam: {row.Ms:F3} ms"));
        return row;
    }

    /// <summary>Times a body that every rank runs together: the same call counts everywhere, the slowest rank's time.</summary>
    private Timing MeasureTogether(Action body)
    {
        Span<int> calls = [WarmUp(body)];
        world.Broadcast(calls);
        double[] ms = new double[Math.Max(1, sizes.Repetitions)];
        Span<ulong> ticks = stackalloc ulong[1];
        for (int r = 0; r < ms.Length; r++)
        {
            world.Barrier();
            long t0 = Stopwatch.GetTimestamp();
            for (int c = 0; c < calls[0]; c++)
            {
                body();
            }

            ticks[0] = (ulong)(Stopwatch.GetTimestamp() - t0);
            world.AllReduceMax(ticks);
            ms[r] = ticks[0] * 1000.0 / Stopwatch.Frequency / calls[0];
        }

        return Timing.Of(ms);
    }

    /// <summary>Times a body on this rank alone.</summary>
    private Timing Measure(Action body) => Timing.Repeat(body, WarmUp(body), sizes.Repetitions);

    /// <summary>Runs the warm-up calls; returns the calls per timed repetition that their average time calls for.</summary>
    private int WarmUp(Action body)
    {
        int warmups = Math.Max(1, sizes.Warmups);
        long start = Stopwatch.GetTimestamp();
        for (int w = 0; w < warmups; w++)
        {
            body();
        }

        return sizes.CallsFilling(Math.Max(Stopwatch.GetElapsedTime(start).TotalSeconds / warmups, 1e-9));
    }

    private void Say(string line)
    {
        if (world.Rank == 0)
        {
            progress.WriteLine("bench: " + line);
        }
    }
}
