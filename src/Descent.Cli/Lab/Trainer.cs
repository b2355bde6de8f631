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
    string? ResumeFrom,
    string DataChecksums,
    ParallelTraining? Parallel = null);

/// <summary>
/// Trains one network with one optimizer, checkpointing every N steps and when cancelled, and resuming exactly:
/// a single NumPy-compatible stream draws the initial weights, then each batch and dropout mask in order, so the
/// checkpoint (weights, optimizer state, schedule state, generator state, step) determines the rest of the run.
/// </summary>
internal static class Trainer
{
    public const string CheckpointFile = "checkpoint.safetensors";

    /// <summary>The run record's setting holding the measured optimizer-state memory of a data-parallel run.</summary>
    public const string StateMemoryKey = "optimizer state memory";

    /// <summary>Trains through the library's loop; returns the record and whether it finished (false: stopped by <paramref name="stop"/>).</summary>
    public static (RunRecord Record, bool Finished) Run(TrainJob job, LabData data, Action<IReadOnlyList<ProgressWork>> runWork, CancellationToken stop) =>
        job.UseDouble ? Run<double>(job, data, runWork, stop) : Run<float>(job, data, runWork, stop);

    /// <summary>The settings a checkpoint records, so that <c>--resume</c> rebuilds the same run.</summary>
    public static Dictionary<string, string> Describe(TrainJob job)
    {
        var settings = new Dictionary<string, string>
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
            ["data_sha256"] = job.DataChecksums,
        };
        foreach (var (key, value) in job.Settings.DataSource.Describe())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>
    /// Rebuilds the job's settings from a checkpoint's record (the inverse of <see cref="Describe"/>). Every
    /// field is checked as the command line would be; a bad one is refused naming the file, the field, its
    /// value and what is allowed.
    /// </summary>
    /// <exception cref="CheckpointException">A field is missing or out of range.</exception>
    public static (MnistSettings Settings, OptimizerSpec Optimizer, bool UseDouble) FromCheckpoint(IReadOnlyDictionary<string, string> s, string path)
    {
        string Get(string key) => s.TryGetValue(key, out var v) ? v : throw new CheckpointException($"{path}: the checkpoint's settings have no '{key}'; it was not written by descent train.");
        T Field<T>(string key, string allowed, Func<string, T> parse)
        {
            string value = Get(key);
            try
            {
                return parse(value);
            }
            catch (Exception e) when (e is UsageException or ArgumentException or FormatException or OverflowException)
            {
                throw new CheckpointException($"{path}: settings field '{key}' is '{value}'; expected {allowed}.", e);
            }
        }

        static TEnum Named<TEnum>(string text)
            where TEnum : struct, Enum =>
            text.Length > 0 && char.IsLetter(text[0]) && Enum.TryParse<TEnum>(text, out var value) && Enum.IsDefined(value) ? value : throw new FormatException();
        static bool Flag(string text) => text switch { "true" => true, "false" => false, _ => throw new FormatException() };
        static long Integer(string text, long min, long max) =>
            long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v >= min && v <= max ? v : throw new FormatException();
        static double Real(string text, double min, double below) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= min && v < below ? v : throw new FormatException();
        static string Checked(string text, Action<string> validate)
        {
            validate(text);
            return text;
        }

        var conventions = Field("conventions", string.Join(" or ", Enum.GetNames<Conventions>()), Named<Conventions>);
        var spec = Field("optimizer", "an optimizer NAME[:KEY=VALUE,...] of the catalog", text =>
        {
            var parsed = OptimizerSpec.Parse(text);
            LabOptimizers.Validate([parsed], conventions);
            return parsed;
        });
        string schedule = Field("schedule", "empty or a schedule expression such as StepLR(step_size=500, gamma=0.5)", text => Checked(text, t =>
        {
            if (t.Length > 0)
            {
                _ = ScheduleExpression.Parse(t);
            }
        }));
        var settings = new MnistSettings
        {
            Conventions = conventions,
            Hidden = Field("hidden", "layer widths from 1 to 100000, comma-separated", text => MnistOptions.ParseHidden(text) is { Length: > 0 } h ? h : throw new FormatException()),
            Activation = Field("activation", string.Join(", ", Enum.GetNames<Activation>()), Named<Activation>),
            Init = Field("init", "he, xavier or a standard deviation > 0", text => Checked(text, t => WeightInit.Parse(t))),
            BatchSize = (int)Field("batch_size", "an integer from 1 to 2147483647", t => Integer(t, 1, int.MaxValue)),
            Iterations = (int)Field("iterations", "an integer from 0 to 2147483647", t => Integer(t, 0, int.MaxValue)),
            Schedule = schedule.Length > 0 ? schedule : null,
            WeightDecay = Field("weight_decay", "a number ≥ 0", t => Real(t, 0, double.PositiveInfinity)),
            BatchNorm = Field("batch_norm", "true or false", Flag),
            Dropout = Field("dropout", "a number in [0, 1)", t => Real(t, 0, 1)),
            Seed = Field("seed", "an integer from 0 to 4294967295", t => Integer(t, 0, uint.MaxValue)),
            FlushDenormals = Field("flush_denormals", "true or false", Flag),
            DataSource = Descent.Cli.Data.DataSource.FromSettings(s),
            Parallelism = 1,
        };
        bool useDouble = Field("precision", "float or double", text => text switch { "double" => true, "float" => false, _ => throw new FormatException() });
        return (settings, spec with { Label = Get("label") }, useDouble);
    }

    /// <summary>Refuses data whose files differ from those the checkpoint's run was trained on, giving both checksums.</summary>
    /// <exception cref="UsageException">The data differs.</exception>
    public static void CheckSameData(IReadOnlyDictionary<string, string> settings, LabData data, string path)
    {
        if (settings.TryGetValue("data_sha256", out var saved) && !string.Equals(saved, data.Checksums, StringComparison.Ordinal))
        {
            throw new UsageException($"{path}: the run was trained on data with SHA-256 [{saved}], but {data.Description} has [{data.Checksums}]. Resume with --data naming the same files.");
        }
    }

    private static (RunRecord Record, bool Finished) Run<T>(TrainJob job, LabData data, Action<IReadOnlyList<ProgressWork>> runWork, CancellationToken stop)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var settings = job.Settings;
        var random = new MersenneTwister(checked((uint)settings.Seed));
        var network = MnistExperiment.Build<T>(settings, random);
        using var parallel = job.Parallel is { } p ? new DataParallelRun<T>(p, network, stop) : null;
        var pipeline = MnistExperiment.Pipeline(network, job.Optimizer, settings, parallel is null ? null : parallel.Optimizer);
        var train = data.TrainSet<T>();

        // One draw per example, in order, from the stream that drew the weights: what the book's np.random.choice does.
        // Under mpiexec every rank draws the same global batch and computes its own slice of it.
        IBatchSource<T> batches = new MiniBatchSampler<T>(train, settings.BatchSize, BatchOrder.WithReplacement, random);
        // Diagnostics observe before the checkpoint writer, so that each saved run.json holds the latest sample.
        var diagnostics = settings.DiagnosticsInterval > 0 ? new TrainingDiagnostics<T>(network, pipeline, settings.DiagnosticsInterval) : null;
        var checkpoints = new CheckpointWriter<T>(job, data, network, pipeline, random) { Diagnostics = diagnostics };
        var progress = new ProgressHolder();
        var options = MnistExperiment.LoopOptions<T>(settings, diagnostics is null ? [progress, checkpoints] : [progress, diagnostics, checkpoints]);
        if (parallel is not null)
        {
            parallel.Pipeline = pipeline;
            batches = parallel.Batches(batches, train);
            options = parallel.Options(options);
        }

        var loop = new TrainingLoop<T>(network, pipeline, batches, options);
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
                result = loop.Run(settings.Iterations, parallel?.Stop ?? stop);
            }
        })]);

        if (result!.Status == TrainingStatus.Diverged)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The loss became {result.DivergedLoss} at step {result.DivergedAt}; the learning rate is probably too large."));
        }

        // Evaluation runs outside the flush scope: it needs none.
        bool finished = result.Status == TrainingStatus.Completed;
        var (accuracy, evaluatedAt) = finished && job.Parallel is not { Writes: false }
            ? MnistExperiment.Evaluate(network, pipeline.Optimizer, data.TestSet<T>())
            : ((double?)null, (string?)null);
        var record = Record(job, data, loop.Losses, checkpoints.SecondsBefore + result.Seconds, accuracy, Diagnose(job, diagnostics));
        record.Mnist!.Runs[0].EvaluatedAt = evaluatedAt;
        if (parallel?.StateBytes is var (perRank, total))
        {
            record.Settings[StateMemoryKey] = string.Create(CultureInfo.InvariantCulture, $"{perRank:N0} bytes ({perRank / 1024.0:F1} KiB) on this process, {total:N0} bytes on all {job.Parallel!.World.Size} together (measured after the first step)");
        }

        return (record, finished);
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

        public TrainingDiagnostics<T>? Diagnostics { get; init; }

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
            if (job.Parallel is { Writes: false } parallel)
            {
                // Only rank 0 writes; gathering a sharded optimizer's state takes every rank.
                if (parallel.ShardOptimizerState)
                {
                    _ = pipeline.SaveState();
                }

                return;
            }

            double seconds = SecondsBefore + _clock.Elapsed.TotalSeconds;
            var info = new CheckpointInfo { Step = step, Settings = Describe(job), Losses = Loop!.Losses, Seconds = seconds };
            Checkpoint.SaveTraining(job.Folder.File(CheckpointFile), network, pipeline, random, info, FaultInjection.Reach);
            FaultInjection.Reach("checkpoint-saved");
            job.Folder.SaveData(Record(job, data, Loop!.Losses, seconds, null, Diagnose(job, Diagnostics)));
            FaultInjection.Reach("record-saved");
        }
    }

    /// <summary>The run's diagnostics so far; after <c>--resume</c> they cover the iterations run since the resume.</summary>
    private static DiagnosticsRecord? Diagnose<T>(TrainJob job, TrainingDiagnostics<T>? diagnostics)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        diagnostics is null ? null : DiagnosticsRecord.From(diagnostics, LabOptimizers.Describe(job.Optimizer, job.Settings.Conventions));

    private static RunRecord Record(TrainJob job, LabData data, IReadOnlyList<double> losses, double seconds, double? accuracy, DiagnosticsRecord? diagnostics)
    {
        var settings = MnistOptions.Describe(job.Settings, job.UseDouble, [job.Optimizer], data.Description);
        settings["checkpoint"] = job.Folder.File(CheckpointFile);
        settings["checkpoint every"] = job.CheckpointEvery.ToString(CultureInfo.InvariantCulture);
        settings["steps done"] = losses.Count.ToString(CultureInfo.InvariantCulture);
        if (job.Parallel is { } parallel)
        {
            settings["processes"] = parallel.World.Size.ToString(CultureInfo.InvariantCulture);
            settings["optimizer state"] = parallel.ShardOptimizerState ? "sharded over the processes (ZeRO-1)" : "whole on every process";
        }
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
                        Diagnostics = diagnostics,
                    },
                },
            },
        };
    }
}
