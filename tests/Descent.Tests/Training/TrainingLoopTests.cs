using Descent.Checkpoints;
using Descent.Data;
using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Pipeline;
using Descent.Randomness;
using Descent.Schedules;
using Descent.Training;

namespace Descent.Tests.Training;

public sealed class TrainingLoopTests : IDisposable
{
    private const int Examples = 40;
    private const int Batch = 8;
    private readonly string _folder = Directory.CreateTempSubdirectory("descent-loop-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static TensorDataset<double> Data()
    {
        double[] x = [.. Enumerable.Range(0, Examples * 6).Select(i => Math.Sin(i * 0.37))];
        int[] labels = [.. Enumerable.Range(0, Examples).Select(i => (i * 7) % 3)];
        return new TensorDataset<double>(x, labels, [6], 3);
    }

    private static Network<double> NewNet(long seed) =>
        new([new LinearSpec(6, 5), new ActivationSpec(Activation.Relu), new DropoutSpec(0.2), new LinearSpec(5, 3)], random: new SeededRandom(seed));

    private static UpdatePipeline<double> NewPipeline(Network<double> net, double lr = 0.05) =>
        UpdatePipeline.For(net.Parameters)
            .Optimizer((ps, o) => new Sgd<double>(ps, o), new SgdOptions { LearningRate = lr, Momentum = 0.9 })
            .AccumulateGradients(2)
            .Schedule(new StepSchedule(3, 0.5))
            .AverageWeights(0.9)
            .Build();

    private static MiniBatchSampler<double> NewSampler(long seed) => new(Data(), Batch, BatchOrder.ShuffledEpochs, new SeededRandom(seed));

    [Fact]
    public void Loop_EqualsTheHandWrittenLoop_BitForBit()
    {
        var net = NewNet(1);
        var pipeline = NewPipeline(net);
        var sampler = NewSampler(2);
        var expected = new List<double>();
        for (int i = 0; i < 17; i++)
        {
            var batch = sampler.Next();
            expected.Add(net.ComputeGradients(batch.Features, batch.Count, batch.Labels.Span));
            pipeline.Step();
        }

        var loopNet = NewNet(1);
        var loop = new TrainingLoop<double>(loopNet, NewPipeline(loopNet), NewSampler(2));
        var result = loop.Run(17);

        Assert.Equal(TrainingStatus.Completed, result.Status);
        Assert.Equal(17, result.Steps);
        Assert.Equal(expected, result.Losses);
        Assert.Equal(net.Storage.Values, loopNet.Storage.Values);
    }

    [Fact]
    public void AfterUpdateRecording_RecordsTheEvaluationLossOfTheSameBatchAfterTheUpdate()
    {
        var net = NewNet(1);
        var pipeline = UpdatePipeline.For(net.Parameters).Optimizer(new Sgd<double>(net.Parameters, new SgdOptions { LearningRate = 0.1 })).Build();
        var sampler = NewSampler(2);
        var expected = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var batch = sampler.Next();
            net.ComputeGradients(batch.Features, batch.Count, batch.Labels.Span);
            pipeline.Step();
            expected.Add(net.Loss(batch.Features, batch.Count, batch.Labels.Span));
        }

        var loopNet = NewNet(1);
        var loopPipeline = UpdatePipeline.For(loopNet.Parameters).Optimizer(new Sgd<double>(loopNet.Parameters, new SgdOptions { LearningRate = 0.1 })).Build();
        var result = new TrainingLoop<double>(loopNet, loopPipeline, NewSampler(2), new() { Recording = LossRecording.AfterUpdate }).Run(5);
        Assert.Equal(expected, result.Losses);
    }

    [Fact]
    public void Cancellation_StopsAtAStepBoundary_WithThePartialCurve()
    {
        using var stop = new CancellationTokenSource();
        var net = NewNet(1);
        var observer = new Recorder { CancelAt = 6, Source = stop };
        var loop = new TrainingLoop<double>(net, NewPipeline(net), NewSampler(2), new() { Observers = [observer] });
        var result = loop.Run(50, stop.Token);

        Assert.Equal(TrainingStatus.Interrupted, result.Status);
        Assert.Equal(6, result.Steps);
        Assert.Equal(6, result.Losses.Count);
        Assert.Same(result, observer.End);

        // The interrupted loop continues where it stopped, as if never stopped.
        var rest = loop.Run(10);
        var straightNet = NewNet(1);
        var straight = new TrainingLoop<double>(straightNet, NewPipeline(straightNet), NewSampler(2)).Run(10);
        Assert.Equal(TrainingStatus.Completed, rest.Status);
        Assert.Equal(straight.Losses, rest.Losses);
    }

    [Fact]
    public void NonFiniteLoss_EndsTheRunAsDiverged_AtThatStep()
    {
        var net = NewNet(1);
        var pipeline = UpdatePipeline.For(net.Parameters).Optimizer(new Sgd<double>(net.Parameters, new SgdOptions { LearningRate = 1e300 })).Build();
        var observer = new Recorder();
        var result = new TrainingLoop<double>(net, pipeline, NewSampler(2), new() { Recording = LossRecording.AfterUpdate, Observers = [observer] }).Run(20);

        Assert.Equal(TrainingStatus.Diverged, result.Status);
        Assert.NotNull(result.DivergedAt);
        Assert.Equal(result.DivergedAt, result.Steps);
        Assert.Equal(result.Steps, result.Losses.Count);
        Assert.True(result.Losses.All(double.IsFinite));
        Assert.False(double.IsFinite(result.DivergedLoss!.Value));
        Assert.Equal(TrainingStatus.Diverged, observer.End!.Status);
    }

    [Fact]
    public void PipelineGivingUpOnNonFiniteGradients_IsADivergedResult_NotAnException()
    {
        var net = NewNet(1);
        var pipeline = UpdatePipeline.For(net.Parameters).SkipNonFinite(0).Optimizer(new Sgd<double>(net.Parameters, new SgdOptions { LearningRate = 0.1 })).Build();
        var poison = new Poison { At = 3 };
        var result = new TrainingLoop<double>(net, pipeline, NewSampler(2), new() { Reducer = poison }).Run(10);
        Assert.Equal(TrainingStatus.Diverged, result.Status);
        Assert.Equal(3, result.DivergedAt);
    }

    [Fact]
    public void FractionalEvaluationPeriod_FollowsTheBooksModulo()
    {
        // The book's Trainer: current_iter % iter_per_epoch == 0 with iter_per_epoch = 40 / 16 = 2.5.
        var net = NewNet(1);
        var observer = new Recorder();
        new TrainingLoop<double>(net, NewPipeline(net), NewSampler(2), new() { EvaluateEvery = 2.5, Observers = [observer] }).Run(12);
        Assert.Equal([0L, 5L, 10L], observer.Evaluations);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), observer.Steps);
    }

    [Fact]
    public void Reducer_RunsBetweenBackwardAndThePipeline()
    {
        // A reducer that zeroes the gradients (as an all-reduce over workers whose gradients cancel) leaves SGD's weights alone.
        var net = NewNet(1);
        double[] before = [.. net.Storage.Values];
        var pipeline = UpdatePipeline.For(net.Parameters).Optimizer(new Sgd<double>(net.Parameters, new SgdOptions { LearningRate = 0.1 })).Build();
        var zero = new Poison { At = -1 };
        new TrainingLoop<double>(net, pipeline, NewSampler(2), new() { Reducer = zero }).Run(4);
        Assert.Equal(4, zero.Calls);
        Assert.Equal(before, net.Storage.Values);
    }

    [Fact]
    public void CheckpointWithThePipeline_ResumesBitIdentically_MidAccumulationWindow()
    {
        var straightNet = NewNet(1);
        var straight = new TrainingLoop<double>(straightNet, NewPipeline(straightNet), new MiniBatchSampler<double>(Data(), Batch, BatchOrder.WithReplacement, straightNet.Random)).Run(15);

        var net = NewNet(1);
        var pipeline = NewPipeline(net);
        var loop = new TrainingLoop<double>(net, pipeline, new MiniBatchSampler<double>(Data(), Batch, BatchOrder.WithReplacement, net.Random));
        loop.Run(7);
        string path = Path.Combine(_folder, "run.safetensors");
        Checkpoint.SaveTraining(path, net, pipeline, net.Random, new CheckpointInfo { Step = loop.Step });

        var resumedNet = NewNet(42);
        var resumedPipeline = NewPipeline(resumedNet, lr: 0.7);
        var resumed = new TrainingLoop<double>(resumedNet, resumedPipeline, new MiniBatchSampler<double>(Data(), Batch, BatchOrder.WithReplacement, resumedNet.Random));
        var info = Checkpoint.LoadTraining(path, resumedNet, resumedPipeline, resumedNet.Random);
        resumed.Resume(info.Step, loop.Losses);
        var result = resumed.Run(15);

        Assert.Equal(1, resumedPipeline.PendingMicroBatches);
        Assert.Equal(straight.Losses, result.Losses);
        Assert.Equal(straightNet.Storage.Values, resumedNet.Storage.Values);
        Assert.Equal(pipeline.Scheduler!.StepIndex + 4, resumedPipeline.Scheduler!.StepIndex);
    }

    [Fact]
    public void Checkpoint_WithoutPipelineState_CannotRestoreAPipeline()
    {
        var net = NewNet(1);
        var pipeline = NewPipeline(net);
        string path = Path.Combine(_folder, "plain.safetensors");
        Checkpoint.Save(path, net, pipeline.Optimizer, null, new CheckpointInfo());
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.LoadTraining(path, NewNet(1), NewPipeline(NewNet(1)), null));
        Assert.Contains("pipeline", e.Message, StringComparison.Ordinal);
    }

    private sealed class Recorder : ITrainingObserver
    {
        public int CancelAt { get; init; } = -1;

        public CancellationTokenSource? Source { get; init; }

        public List<long> Steps { get; } = [];

        public List<long> Evaluations { get; } = [];

        public TrainingResult? End { get; private set; }

        public void OnStep(in StepReport report)
        {
            Steps.Add(report.Step);
            if (report.Step == CancelAt)
            {
                Source!.Cancel();
            }
        }

        public void OnEvaluation(long index) => Evaluations.Add(index);

        public void OnEnd(TrainingResult result) => End = result;
    }

    /// <summary>Zeroes the gradients each step; at step <see cref="At"/> makes one NaN instead.</summary>
    private sealed class Poison : IGradientReducer<double>
    {
        public int At { get; init; }

        public int Calls { get; private set; }

        public void Reduce(FlatParameters<double> parameters)
        {
            parameters.Gradients.AsSpan().Clear();
            if (Calls++ == At)
            {
                parameters.Gradients[0] = double.NaN;
            }
        }
    }
}
