using Descent.Distributed.Testing;
using Descent.Testing;
using Descent.Optimizers;

namespace Descent.Distributed.Tests;

/// <summary>One two-rank run of the worker's <c>train</c> scenario, shared by the tests that read its files.</summary>
public sealed class TrainJobFixture : IDisposable
{
    internal MpiJob Job { get; } = MpiJob.Run("train");

    public void Dispose() => Directory.Delete(Job.Folder, recursive: true);
}

public sealed class DataParallelTests(TrainJobFixture fixture) : IClassFixture<TrainJobFixture>
{
    private MpiJob Job
    {
        get
        {
            Assert.True(fixture.Job.ExitCode == 0, $"mpiexec -n 2 worker train exited {fixture.Job.ExitCode}:\n{fixture.Job.Output}");
            return fixture.Job;
        }
    }

    [Fact]
    public void BothRanks_EndWithBitIdenticalParameters()
    {
        Assert.Equal(Job.File("dp-0.bin"), Job.File("dp-1.bin"));
        Assert.Equal(Job.File("zero-0.bin"), Job.File("zero-1.bin"));
    }

    [Fact]
    public void TwoRanks_EqualOneProcessSummingTheTwoShardGradients_BitForBit()
    {
        var net = TinyTraining.Network();
        var optimizer = TinyTraining.CreateOptimizer(net.Parameters);
        var (x, labels) = TinyTraining.Data();
        var first = BatchShard.For(0, 2, TinyTraining.GlobalBatch);
        var second = BatchShard.For(1, 2, TinyTraining.GlobalBatch);
        var g0 = new float[net.Storage.Gradients.Length];
        foreach (var batch in TinyTraining.Batches())
        {
            // What each rank does alone: the mean gradient of its five rows, times its share of the batch.
            var (x0, l0) = TinyTraining.Slice(x, labels, batch, first.Start, first.Count);
            net.ComputeGradients(x0, first.Count, l0);
            net.Storage.Gradients.CopyTo(g0, 0);
            var (x1, l1) = TinyTraining.Slice(x, labels, batch, second.Start, second.Count);
            net.ComputeGradients(x1, second.Count, l1);
            var g = net.Storage.Gradients;
            for (int i = 0; i < g.Length; i++)
            {
                g[i] = (g0[i] * first.Weight<float>()) + (g[i] * second.Weight<float>());
            }

            optimizer.Step();
        }

        Assert.Equal(TinyTraining.Bits(net.Storage.Values), Job.File("dp-0.bin"));
    }

    [Fact]
    public void TwoRanks_MatchThePlainSingleProcessRun_ToFloatRounding()
    {
        var net = TinyTraining.Network();
        var optimizer = TinyTraining.CreateOptimizer(net.Parameters);
        var (x, labels) = TinyTraining.Data();
        foreach (var batch in TinyTraining.Batches())
        {
            var (bx, bl) = TinyTraining.Slice(x, labels, batch, 0, TinyTraining.GlobalBatch);
            net.ComputeGradients(bx, TinyTraining.GlobalBatch, bl);
            optimizer.Step();
        }

        // Only the summation order of the batch mean differs (two halves, then their sum); after 12 Adam steps at
        // lr 0.01 the parameters differ by rounding, amplified a little by Adam's division by √v. Measured: 4.9e-8 of
        // the largest parameter.
        float[] distributed = Job.Floats("dp-0.bin");
        float scale = net.Storage.Values.Max(MathF.Abs);
        float worst = 0;
        for (int i = 0; i < distributed.Length; i++)
        {
            worst = MathF.Max(worst, MathF.Abs(distributed[i] - net.Storage.Values[i]) / scale);
        }

        Assert.True(worst < 1e-5f, $"largest difference {worst:E2} of the largest parameter");
        Assert.NotEqual(TinyTraining.Bits(net.Storage.Values), Job.File("dp-0.bin"));
    }

    [Fact]
    public void ZeroOne_EqualsUnsharded_BitForBit_AndResumesFromGatheredState()
    {
        Assert.Equal(Job.File("dp-0.bin"), Job.File("zero-0.bin"));
        Assert.Equal(Job.File("dp-0.bin"), Job.File("zero-resumed-0.bin"));
        Assert.Equal(Job.File("dp-1.bin"), Job.File("zero-resumed-1.bin"));
    }

    [Fact]
    public void ZeroOne_GatheredState_IsTheUnshardedOptimizersState()
    {
        // The unsharded reference: the same updates, computed in this process from the two ranks' parameters
        // (bit-identical to dp-0.bin as the other test shows), so replay it here and compare the Adam moments.
        var net = TinyTraining.Network();
        var optimizer = TinyTraining.CreateOptimizer(net.Parameters);
        var (x, labels) = TinyTraining.Data();
        var g0 = new float[net.Storage.Gradients.Length];
        foreach (var batch in TinyTraining.Batches())
        {
            var (x0, l0) = TinyTraining.Slice(x, labels, batch, 0, 5);
            net.ComputeGradients(x0, 5, l0);
            net.Storage.Gradients.CopyTo(g0, 0);
            var (x1, l1) = TinyTraining.Slice(x, labels, batch, 5, 5);
            net.ComputeGradients(x1, 5, l1);
            for (int i = 0; i < g0.Length; i++)
            {
                net.Storage.Gradients[i] = (g0[i] * 0.5f) + (net.Storage.Gradients[i] * 0.5f);
            }

            optimizer.Step();
        }

        OptimizerState<float> expected = optimizer.SaveState();
        int compared = 0;
        foreach (var (name, snapshot) in expected.Parameters)
        {
            foreach (var (key, buffer) in snapshot.Buffers)
            {
                Assert.Equal(TinyTraining.Bits(buffer), Job.File($"zero-state-{name}-{key}-0.bin"));
                Assert.Equal(TinyTraining.Bits(buffer), Job.File($"zero-state-{name}-{key}-1.bin"));
                compared++;
            }
        }

        Assert.Equal(2 * net.Parameters.Count, compared);
    }

    [Fact]
    public void ZeroOne_HalvesTheStateMemoryPerRank()
    {
        int parameters = TinyTraining.Network().Storage.Values.Length;
        long unsharded = 2L * parameters * sizeof(float);   // Adam: exp_avg and exp_avg_sq
        long rank0 = long.Parse(System.Text.Encoding.ASCII.GetString(Job.File("zero-state-bytes-0.txt")), System.Globalization.CultureInfo.InvariantCulture);
        long rank1 = long.Parse(System.Text.Encoding.ASCII.GetString(Job.File("zero-state-bytes-1.txt")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(unsharded, rank0 + rank1);
        Assert.InRange(rank0, unsharded / 2, (unsharded / 2) + 8);
        Assert.InRange(rank1, (unsharded / 2) - 8, unsharded / 2);
    }

    [Fact]
    public void Job_TakesSeconds()
    {
        Assert.True(Job.Elapsed < TimeSpan.FromSeconds(30), $"the two-rank job took {Job.Elapsed.TotalSeconds:F1} s");
    }
}

public sealed class FailureTests
{
    [Fact]
    public void NullDereference_AfterMpiInit_IsStillACatchableException()
    {
        var job = MpiJob.Run("nullref");
        Assert.True(job.ExitCode == 0, $"exit {job.ExitCode}:\n{job.Output}");
        Assert.Equal("caught"u8.ToArray(), job.File("nullref-0.txt"));
        Assert.Equal("caught"u8.ToArray(), job.File("nullref-1.txt"));
        Directory.Delete(job.Folder, recursive: true);
    }

    [Fact]
    public void ExceptionOnOneRank_EndsTheJob_WithItsMessage()
    {
        var job = MpiJob.Run("crash");
        Assert.NotEqual(0, job.ExitCode);
        Assert.Contains("rank 1: InvalidOperationException: rank 1 failed on purpose", job.Output, StringComparison.Ordinal);
        Assert.True(job.Elapsed < TimeSpan.FromSeconds(MpiJob.TimeoutSeconds / 2), $"took {job.Elapsed.TotalSeconds:F1} s: the other rank waited instead of being aborted");
        Directory.Delete(job.Folder, recursive: true);
    }

    [Fact]
    public void RanksWithDifferentParameters_StopWithAClearError()
    {
        var job = MpiJob.Run("disagree");
        Assert.NotEqual(0, job.ExitCode);
        Assert.Contains("hold different parameters at step 0", job.Output, StringComparison.Ordinal);
        Directory.Delete(job.Folder, recursive: true);
    }
}
