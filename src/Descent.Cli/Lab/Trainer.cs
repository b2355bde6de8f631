using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Descent.Checkpoints;
using Descent.NeuralNetworks;
using Descent.Randomness;
using Descent.Schedules;

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

    /// <summary>Trains; returns the record and whether it finished (false: stopped by <paramref name="stop"/>).</summary>
    public static (RunRecord Record, bool Finished) Run(TrainJob job, LabData data, Func<bool> stop, Action<IReadOnlyList<ProgressWork>> runWork) =>
        job.UseDouble ? Run<double>(job, data, stop, runWork) : Run<float>(job, data, stop, runWork);

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

    private static (RunRecord Record, bool Finished) Run<T>(TrainJob job, LabData data, Func<bool> stop, Action<IReadOnlyList<ProgressWork>> runWork)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var settings = job.Settings;
        var random = new MersenneTwister(checked((uint)settings.Seed));
        var network = MnistExperiment.Build<T>(settings, random);
        var optimizer = LabOptimizers.Create(job.Optimizer, network.Parameters, settings.Conventions);
        var scheduler = settings.Schedule is null ? null : new LearningRateScheduler(optimizer, ScheduleExpression.Parse(settings.Schedule));
        var losses = new List<double>();
        double secondsBefore = 0;
        long step = 0;
        if (job.ResumeFrom is { } checkpoint)
        {
            var info = Checkpoint.Load(checkpoint, network, optimizer, random);
            step = info.Step;
            if (scheduler is not null)
            {
                scheduler.LoadState(ScheduleStateFrom(info.Schedule, checkpoint));
            }

            (losses, secondsBefore) = PreviousLosses(checkpoint, step);
        }

        T[] train = LabData.Scale<T>(data.TrainPixels);
        int batch = settings.BatchSize, width = data.PixelsPerImage;
        var x = new T[batch * width];
        var labels = new int[batch];
        bool finished = false;
        var clock = Stopwatch.StartNew();

        void SaveCheckpoint()
        {
            var info = new CheckpointInfo
            {
                Step = step,
                Schedule = scheduler is null ? new Dictionary<string, string>() : ScheduleStateTo(scheduler.SaveState()),
                Settings = Describe(job),
            };
            Checkpoint.Save(job.Folder.File(CheckpointFile), network, optimizer, random, info);
            job.Folder.SaveData(Record(job, data, losses, secondsBefore + clock.Elapsed.TotalSeconds, null));
        }

        runWork([new ProgressWork(job.Optimizer.Label, settings.Iterations, progress =>
        {
            using (settings.FlushDenormals ? LabDenormals.FlushOnThisThread() : null)
            {
                progress.Report(step, losses.Count > 0 ? losses[^1] : double.NaN);
                while (step < settings.Iterations)
                {
                    if (stop())
                    {
                        SaveCheckpoint();
                        return;
                    }

                    for (int r = 0; r < batch; r++)
                    {
                        int row = random.NextInt(data.TrainCount);
                        train.AsSpan(row * width, width).CopyTo(x.AsSpan(r * width, width));
                        labels[r] = data.TrainLabels[row];
                    }

                    network.ComputeGradients(x, batch, labels);
                    optimizer.Step();
                    scheduler?.Step();
                    double loss = double.CreateChecked(network.Loss(x, batch, labels));
                    if (!double.IsFinite(loss))
                    {
                        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The loss became {loss} at step {step}; the learning rate is probably too large."));
                    }

                    losses.Add(loss);
                    step++;
                    progress.Report(step, loss);
                    if (job.CheckpointEvery > 0 && step % job.CheckpointEvery == 0)
                    {
                        SaveCheckpoint();
                    }
                }
            }

            finished = true;
            SaveCheckpoint();
        })]);

        // Evaluation runs outside the flush scope: it needs none.
        double? accuracy = finished ? MnistExperiment.Accuracy(network, LabData.Scale<T>(data.TestPixels), data.TestLabels) : null;
        var record = Record(job, data, losses, secondsBefore + clock.Elapsed.TotalSeconds, accuracy);
        return (record, finished);
    }

    private static RunRecord Record(TrainJob job, LabData data, List<double> losses, double seconds, double? accuracy)
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

    /// <summary>The losses recorded up to the checkpoint's step, from the run.json saved beside it.</summary>
    private static (List<double> Losses, double Seconds) PreviousLosses(string checkpoint, long step)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(checkpoint))!;
        if (!File.Exists(Path.Combine(folder, RunFolder.RecordFile)))
        {
            throw new CheckpointException($"{checkpoint}: no {RunFolder.RecordFile} beside it, so the loss curve so far is unknown.");
        }

        var (_, record) = RunFolder.Open(folder);
        var run = record.Mnist?.Runs.FirstOrDefault() ?? throw new CheckpointException($"{folder}: its {RunFolder.RecordFile} holds no loss curve.");
        if (run.Loss.Length < step)
        {
            throw new CheckpointException(string.Create(CultureInfo.InvariantCulture, $"{folder}: the checkpoint is at step {step} but {RunFolder.RecordFile} holds only {run.Loss.Length} losses."));
        }

        return ([.. run.Loss.Take((int)step)], run.Seconds);
    }

    private static Dictionary<string, string> ScheduleStateTo(SchedulerState state) => new()
    {
        ["step_index"] = state.StepIndex.ToString(CultureInfo.InvariantCulture),
        ["initial_rates"] = string.Join(",", state.InitialRates.Select(r => r.ToString("R", CultureInfo.InvariantCulture))),
        ["initial_momenta"] = string.Join(",", state.InitialMomenta.Select(r => r.ToString("R", CultureInfo.InvariantCulture))),
    };

    private static SchedulerState ScheduleStateFrom(IReadOnlyDictionary<string, string> s, string path)
    {
        if (!s.TryGetValue("step_index", out var index) || !s.TryGetValue("initial_rates", out var rates) || !s.TryGetValue("initial_momenta", out var momenta))
        {
            throw new CheckpointException($"{path}: the run has a schedule but the checkpoint holds no schedule state.");
        }

        static double[] Numbers(string text) => text.Length == 0 ? [] : [.. text.Split(',').Select(t => double.Parse(t, CultureInfo.InvariantCulture))];
        return new SchedulerState(long.Parse(index, CultureInfo.InvariantCulture), Numbers(rates), Numbers(momenta));
    }
}
