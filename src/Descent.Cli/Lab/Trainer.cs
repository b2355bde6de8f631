using System.Globalization;
using System.Numerics;
using Descent.Checkpoints;
using Descent.Data;
using Descent.NeuralNetworks;
using Descent.Pipeline;
using Descent.Randomness;
using Descent.Training;

namespace Descent.Cli.Lab;

/// <summary>What <c>descent train</c> runs: one optimizer, one network, and where to checkpoint.</summary>
internal sealed record TrainJob(
    MnistSettings Settings,
    OptimizerSpec Optimizer,
    bool UseDouble,
    RunFolder Folder,
    int CheckpointEvery,
    string? ResumeFrom);

/// <summary>
/// Trains one network with one optimizer, checkpointing every N steps and when cancelled, and resuming exactly:
/// a single NumPy-compatible stream draws the initial weights, then each batch and dropout mask in order, so the
/// checkpoint (weights, optimizer state, schedule state, generator state, step) determines the rest of the run.
/// </summary>
internal static class Trainer
{
    public const string CheckpointFile = "checkpoint.safetensors";

    /// <summary>Trains through the library's loop; returns the record and whether it finished (false: stopped by <paramref name="stop"/>).</summary>
    public static (RunRecord Record, bool Finished) Run(TrainJob job, LabData data, Action<IReadOnlyList<ProgressWork>> runWork, CancellationToken stop) =>
        job.UseDouble ? Run<double>(job, data, runWork, stop) : Run<float>(job, data, runWork, stop);

    /// <summary>The settings a checkpoint records, so that <c>--resume</c> rebuilds the same run.</summary>
    public static Dictionary<string, string> Describe(TrainJob job) => new()
    {
        ["optimizer"] = job.Optimizer.Text,
        ["label"] = job.Optimizer.Label,
        ["conventions"] = job.Settings.Conventions.ToString(),
        ["hidden"] = string.Join(",", job.Settings.Hidden),
        ["activation"] = job.Settings.Activation.ToString(),
        ["init"] = job.Settings.Init,
        ["batch_size"] = job.Settings.BatchSize.ToString(CultureInfo.InvariantCulture),
        ["iterations"] = job.Settings.Iterations.ToString(CultureInfo.InvariantCulture),
        ["schedule"] = job.Settings.Schedule ?? string.Empty,
        ["weight_decay"] = job.Settings.WeightDecay.ToString("R", CultureInfo.InvariantCulture),
        ["batch_norm"] = job.Settings.BatchNorm ? "true" : "false",
        ["dropout"] = job.Settings.Dropout.ToString("R", CultureInfo.InvariantCulture),
        ["seed"] = job.Settings.Seed.ToString(CultureInfo.InvariantCulture),
        ["precision"] = job.UseDouble ? "double" : "float",
        ["flush_denormals"] = job.Settings.FlushDenormals ? "true" : "false",
        ["data"] = job.Settings.DataDirectory is { } dir ? (Directory.Exists(dir) ? Path.GetFullPath(dir) : dir) : string.Empty,
    };

    /// <summary>Rebuilds the job's settings from a checkpoint's record (the inverse of <see cref="Describe"/>).</summary>
    public static (MnistSettings Settings, OptimizerSpec Optimizer, bool UseDouble) FromCheckpoint(IReadOnlyDictionary<string, string> s, string path)
    {
        string Get(string key) => s.TryGetValue(key, out var v) ? v : throw new CheckpointException($"{path}: the checkpoint's settings have no '{key}'; it was not written by descent train.");
        var spec = OptimizerSpec.Parse(Get("optimizer"));
        var settings = new MnistSettings
        {
            Conventions = Enum.Parse<Conventions>(Get("conventions")),
            Hidden = MnistOptions.ParseHidden(Get("hidden")),
            Activation = Enum.Parse<Activation>(Get("activation")),
            Init = Get("init"),
            BatchSize = int.Parse(Get("batch_size"), CultureInfo.InvariantCulture),
            Iterations = int.Parse(Get("iterations"), CultureInfo.InvariantCulture),
            Schedule = Get("schedule") is { Length: > 0 } schedule ? schedule : null,
            WeightDecay = double.Parse(Get("weight_decay"), CultureInfo.InvariantCulture),
            BatchNorm = Get("batch_norm") == "true",
            Dropout = double.Parse(Get("dropout"), CultureInfo.InvariantCulture),
            Seed = long.Parse(Get("seed"), CultureInfo.InvariantCulture),
            FlushDenormals = Get("flush_denormals") == "true",
            DataDirectory = s.TryGetValue("data", out var data) && data.Length > 0 ? data : null,
            Parallelism = 1,
        };
        return (settings, spec with { Label = Get("label") }, Get("precision") == "double");
    }

    private static (RunRecord Record, bool Finished) Run<T>(TrainJob job, LabData data, Action<IReadOnlyList<ProgressWork>> runWork, CancellationToken stop)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var settings = job.Settings;
        var random = new MersenneTwister(checked((uint)settings.Seed));
        var network = MnistExperiment.Build<T>(settings, random);
        var pipeline = MnistExperiment.Pipeline(network, job.Optimizer, settings);
        var train = MnistExperiment.Dataset(LabData.Scale<T>(data.TrainPixels), data.TrainLabels, data.PixelsPerImage);

        // One draw per example, in order, from the stream that drew the weights: what the book's np.random.choice does.
        var batches = new MiniBatchSampler<T>(train, settings.BatchSize, BatchOrder.WithReplacement, random);
        var checkpoints = new CheckpointWriter<T>(job, data, network, pipeline, random);
        var progress = new ProgressHolder();
        var loop = new TrainingLoop<T>(network, pipeline, batches, MnistExperiment.LoopOptions<T>(settings, progress, checkpoints));
        checkpoints.Loop = loop;
        if (job.ResumeFrom is { } checkpoint)
        {
            var info = Checkpoint.LoadTraining(checkpoint, network, pipeline, random);
            if (info.Losses.Count != info.Step)
            {
                throw new CheckpointException(string.Create(CultureInfo.InvariantCulture, $"{checkpoint}: it is at step {info.Step} but records {info.Losses.Count} losses; it was not written by this version of descent train."));
            }

            checkpoints.SecondsBefore = info.Seconds;
            loop.Resume(info.Step, info.Losses);
        }

        TrainingResult? result = null;
        runWork([new ProgressWork(job.Optimizer.Label, settings.Iterations, reporter =>
        {
            progress.Reporter = reporter;
            using (settings.FlushDenormals ? LabDenormals.FlushOnThisThread() : null)
            {
                result = loop.Run(settings.Iterations, stop);
            }
        })]);

        if (result!.Status == TrainingStatus.Diverged)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The loss became {result.DivergedLoss} at step {result.DivergedAt}; the learning rate is probably too large."));
        }

        // Evaluation runs outside the flush scope: it needs none.
        bool finished = result.Status == TrainingStatus.Completed;
        double? accuracy = finished ? MnistExperiment.Accuracy(network, LabData.Scale<T>(data.TestPixels), data.TestLabels) : null;
        return (Record(job, data, loop.Losses, checkpoints.SecondsBefore + result.Seconds, accuracy), finished);
    }

    /// <summary>Forwards the loop's steps to the progress bar the work item is given once it starts.</summary>
    private sealed class ProgressHolder : ITrainingObserver
    {
        public IProgressReporter? Reporter { get; set; }

        public void OnStart(long step) => Reporter?.Report(step, double.NaN);

        public void OnStep(in StepReport report) => Reporter?.Report(report.Step, report.Loss);
    }

    /// <summary>Writes the checkpoint and run.json every N steps, and when the run stops for any reason.</summary>
    private sealed class CheckpointWriter<T>(TrainJob job, LabData data, Network<T> network, UpdatePipeline<T> pipeline, IRandomSource random) : ITrainingObserver
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly System.Diagnostics.Stopwatch _clock = new();

        public TrainingLoop<T>? Loop { get; set; }

        public double SecondsBefore { get; set; }

        public void OnStart(long step) => _clock.Restart();

        public void OnStep(in StepReport report)
        {
            if (job.CheckpointEvery > 0 && report.Step % job.CheckpointEvery == 0)
            {
                Save(report.Step);
            }
        }

        public void OnEnd(TrainingResult result)
        {
            if (result.Status != TrainingStatus.Diverged)
            {
                Save(result.Steps);
            }
        }

        /// <summary>
        /// The checkpoint alone is the run's state (it carries the loss curve), and it is replaced by one atomic
        /// rename, so a kill at any instant leaves either the previous complete checkpoint or the new one.
        /// run.json is written after it, for reading; resuming never needs it.
        /// </summary>
        private void Save(long step)
        {
            double seconds = SecondsBefore + _clock.Elapsed.TotalSeconds;
            var info = new CheckpointInfo { Step = step, Settings = Describe(job), Losses = Loop!.Losses, Seconds = seconds };
            Checkpoint.SaveTraining(job.Folder.File(CheckpointFile), network, pipeline, random, info, FaultInjection.Reach);
            FaultInjection.Reach("checkpoint-saved");
            job.Folder.SaveData(Record(job, data, Loop!.Losses, seconds, null));
            FaultInjection.Reach("record-saved");
        }
    }

    private static RunRecord Record(TrainJob job, LabData data, IReadOnlyList<double> losses, double seconds, double? accuracy)
    {
        var settings = MnistOptions.Describe(job.Settings, job.UseDouble, [job.Optimizer], data.Description);
        settings["checkpoint"] = job.Folder.File(CheckpointFile);
        settings["checkpoint every"] = job.CheckpointEvery.ToString(CultureInfo.InvariantCulture);
        settings["steps done"] = losses.Count.ToString(CultureInfo.InvariantCulture);
        double[] curve = [.. losses];
        return new RunRecord
        {
            Command = "train",
            Created = RunOutput.Now(),
            Seed = job.Settings.Seed,
            FlushDenormals = job.Settings.FlushDenormals && LabDenormals.IsSupported,
            Settings = settings,
            Mnist = new MnistRecord
            {
                Network = job.Settings.NetworkDescription,
                Data = data.Description,
                Precision = job.UseDouble ? "float64" : "float32",
                BatchSize = job.Settings.BatchSize,
                Iterations = job.Settings.Iterations,
                Runs =
                {
                    new LossCurveRecord
                    {
                        Label = job.Optimizer.Label,
                        Optimizer = $"{job.Optimizer.Text} ({LabOptimizers.Describe(job.Optimizer, job.Settings.Conventions)})",
                        Loss = curve,
                        FinalLoss = LossCurveRecord.MeanOfLast(curve, 100),
                        TestAccuracy = accuracy,
                        Seconds = seconds,
                    },
                },
            },
        };
    }
}
