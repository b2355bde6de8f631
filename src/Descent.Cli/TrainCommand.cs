using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Descent.Checkpoints;
using Descent.Cli.Lab;
using Descent.Distributed;
using Spectre.Console;

namespace Descent.Cli;

/// <summary><c>descent train</c>: one optimizer, checkpoints every N steps and on Ctrl-C, exact resume.</summary>
internal static class TrainCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var mnist = new MnistOptions();
        var optimizer = LabOptions.Optimizer("The optimizer as NAME[:KEY=VALUE,...], e.g. adam:lr=0.001 or SGD:lr=0.1,momentum=0.9,nesterov=true.", "adam:lr=0.001");
        var conventions = LabOptions.ConventionsOption();
        var every = LabOptions.Number(
            "--checkpoint-every", "Write the checkpoint every N steps (0: only at the end and on Ctrl-C).", 500, v => v >= 0, "an integer ≥ 0");
        var resume = new Option<string?>("--resume")
        {
            Description = "Continue a run exactly from its checkpoint (a run folder or its checkpoint.safetensors). The network, optimizer, "
                + "seed and data settings come from the checkpoint; --iterations may extend the run.",
            HelpName = "PATH",
        };
        var output = LabOptions.Out();
        var shard = new Option<bool>("--shard-optimizer-state")
        {
            Description = "Under mpiexec: ZeRO-1, each process keeps and updates the optimizer state of 1/N of the parameters (element-wise optimizers; checkpoints hold the whole state).",
        };
        var force = new Option<bool>("--force")
        {
            Description = "Write into an --out folder that holds another run: that run's files are deleted first.",
        };
        var seeds = new SeedOptions();
        var command = LabOptions.CommandWith(
            "train",
            "Train the MNIST network (or an MLP on your CSV or .npy data) with one optimizer, checkpointing every N steps and on Ctrl-C; --resume continues exactly. With --seeds K: K seeds, median and band, mean ± std (no checkpoints).",
            mnist.All.Where(o => o != mnist.Threads).Concat([optimizer, conventions, every, resume, output, shard, force]).Concat(seeds.All));

        // Under mpiexec or srun every process runs this command as one rank; a failure on any rank ends the whole job.
        command.SetAction(parse => MpiCommunicator.IsLaunchedByMpi
            ? DistributedJob.Run(world => Train(parse, new ParallelTraining(world, parse.GetValue(shard))))
            : parse.GetValue(shard)
                ? throw new UsageException("--shard-optimizer-state splits the optimizer state over MPI processes: start the run with mpiexec, e.g. mpiexec -n 2 descent train --shard-optimizer-state.")
                : parse.GetValue(seeds.Seeds) > 1 || parse.GetValue(seeds.Target) is not null
                    ? Repeated(parse)
                    : Train(parse, null));
        return command;

        // K seeds of the one optimizer: the comparison's path (seeds share the cores; median and band, mean ± std), without checkpoints.
        int Repeated(ParseResult parse)
        {
            var conflicting = new Option[] { resume, every, force }.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
            if (conflicting.Count > 0 || MpiCommunicator.IsLaunchedByMpi)
            {
                throw new UsageException($"--seeds/--target repeat the run over seeds without checkpoints; they cannot be combined with {(conflicting.Count > 0 ? string.Join(", ", conflicting) : "mpiexec")}.");
            }

            using var interruption = new Interruption(console);
            var convention = LabOptions.ParseConventions(parse.GetValue(conventions)!);
            var spec = OptimizerSpec.Parse(parse.GetValue(optimizer)!);
            LabOptimizers.Validate([spec], convention);
            if (LabOptimizers.NeedsClosure(spec, convention))
            {
                throw new UsageException($"--optimizer '{spec.Text}': train runs an update pipeline, which L-BFGS does not use; run L-BFGS with compare-mnist (one fixed batch, see --help).");
            }

            var record = CompareMnistCommand.Execute(console, parse, mnist, seeds, "train", [spec.Text], convention, reproduceBook: false, check: null, interruption.Token);
            return RunOutput.Conclude(console, record, RunFolder.CreateOrDefault(parse.GetValue(output)), interruption);
        }

        int Train(ParseResult parse, ParallelTraining? parallel)
        {
            // Rank 0 speaks for the job; the other ranks compute silently.
            var lab = parallel is { Writes: false } ? Silent() : console;
            string? resumeFrom = parse.GetValue(resume) is { } r ? CheckpointPath(r) : null;
            TrainJob job;
            LabData data;
            RunLock? runLock = null;
            if (resumeFrom is null)
            {
                var spec = OptimizerSpec.Parse(parse.GetValue(optimizer)!);
                var convention = LabOptions.ParseConventions(parse.GetValue(conventions)!);
                LabOptimizers.Validate([spec], convention);
                if (LabOptimizers.NeedsClosure(spec, convention))
                {
                    throw new UsageException($"--optimizer '{spec.Text}': train checkpoints an update pipeline, which L-BFGS does not use; run L-BFGS with compare-mnist (one fixed batch, see --help).");
                }

                var source = mnist.DataSource.Read(parse);
                data = LabDataLoader.LoadFrom(source);
                var settings = mnist.Settings(parse, convention, data) with { Parallelism = 1, DataSource = source };
                MemoryEstimate.Check(settings, mnist.IsDouble(parse), 1, data);
                var folder = Locked(parse.GetValue(output) ?? RunFolder.NewPath(), sameRun: false, parse.GetValue(force), parallel, ref runLock);
                job = new TrainJob(settings, spec, mnist.IsDouble(parse), folder, parse.GetValue(every), null, data.Checksums, parallel);
            }
            else
            {
                RejectWithResume(parse, mnist, optimizer, conventions);
                var saved = ReadSettings(resumeFrom);
                var (settings, spec, useDouble) = Trainer.FromCheckpoint(saved, resumeFrom);
                if (parse.GetResult(mnist.Iterations) is { Implicit: false })
                {
                    int iterations = parse.GetValue(mnist.Iterations);
                    long done = SavedStep(resumeFrom);
                    if (iterations < done)
                    {
                        throw new UsageException($"--iterations {iterations} is below the checkpoint's step {done}: a resumed run can only continue (give --iterations {done} or more).");
                    }

                    settings = settings with { Iterations = iterations };
                }

                // The data may have moved: --data names it again, accepted when its files are the same.
                var moved = mnist.DataSource.AnyGiven(parse) ? mnist.DataSource.Read(parse) : null;
                data = LabDataLoader.LoadFrom(moved ?? settings.DataSource);
                Trainer.CheckSameData(saved, data, resumeFrom);
                settings = settings with { DataSource = moved ?? settings.DataSource, Inputs = data.FeatureCount, Classes = data.ClassCount };

                MemoryEstimate.Check(settings, useDouble, 1, data);
                string resumeFolder = Path.GetDirectoryName(resumeFrom)!;
                string path = parse.GetValue(output) ?? resumeFolder;
                var folder = Locked(path, string.Equals(Path.GetFullPath(path), resumeFolder, StringComparison.Ordinal), parse.GetValue(force), parallel, ref runLock);
                job = new TrainJob(settings, spec, useDouble, folder, parse.GetValue(every), resumeFrom, data.Checksums, parallel);
            }

            lab.MarkupLineInterpolated($"Training {job.Optimizer.Label} on {data.Description}: {job.Settings.NetworkDescription}; batch {job.Settings.BatchSize}; {job.Settings.Iterations} iterations; {(job.UseDouble ? "float64" : "float32")}.");
            lab.MarkupLineInterpolated($"Seed: [bold]{job.Settings.Seed}[/]. {LabDenormals.Describe(job.Settings.FlushDenormals)}");
            if (resumeFrom is not null)
            {
                lab.MarkupLineInterpolated($"Resuming from {resumeFrom}.");
            }

            if (parallel is not null)
            {
                parallel.Validate(job.Settings);
                parallel.Parallel.CheckSameJob(SameEverywhere(job, data));
                lab.MarkupLineInterpolated($"{parallel.Describe(job.Settings.BatchSize)}");
                if (parallel.World.ThreadAdvice is { } advice)
                {
                    lab.MarkupLineInterpolated($"[yellow]Note:[/] {advice}");
                }
            }

            using var held = runLock;
            using var stop = new CancellationTokenSource();
            void OnCancel(object? sender, ConsoleCancelEventArgs e)
            {
                // First Ctrl-C: finish the current step, write the checkpoint, exit. A second one ends the process.
                if (!stop.IsCancellationRequested)
                {
                    e.Cancel = true;
                    stop.Cancel();
                }
            }

            // Schedulers preempt with SIGTERM: stop like Ctrl-C (checkpoint at the current step) and say so with 143.
            int terminated = 0;
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                Volatile.Write(ref terminated, 1);
                stop.Cancel();
            });

            Console.CancelKeyPress += OnCancel;
            try
            {
                var (record, finished) = Trainer.Run(job, data, work => LabProgress.Run(lab, work, 1), stop.Token);
                bool byTerm = Volatile.Read(ref terminated) != 0;
                if (parallel is { Writes: false })
                {
                    return finished ? 0 : byTerm ? Program.Terminated : Program.Interrupted;
                }

                record.LinearY = parse.GetValue(mnist.LinearY);
                RunOutput.Finish(lab, record, job.Folder);
                if (record.Settings.TryGetValue(Trainer.StateMemoryKey, out var memory))
                {
                    lab.MarkupLineInterpolated($"Optimizer state: {memory}.");
                }

                lab.MarkupLineInterpolated($"Checkpoint: [bold]{job.Folder.File(Trainer.CheckpointFile)}[/]");
                if (!finished)
                {
                    lab.MarkupLineInterpolated($"{(byTerm ? "Stopped by SIGTERM" : "Interrupted")} after {record.Mnist!.Runs[0].Loss.Length} steps. Continue with: descent train --resume {job.Folder.Path}");
                    return byTerm ? Program.Terminated : Program.Interrupted;
                }

                return 0;
            }
            catch
            {
                held?.AbandonIfEmpty(Trainer.CheckpointFile);
                throw;
            }
            finally
            {
                Console.CancelKeyPress -= OnCancel;
            }
        }
    }

    /// <summary>The run folder: locked by the rank that writes (one writer per folder for the whole run), only named on the others.</summary>
    private static RunFolder Locked(string path, bool sameRun, bool force, ParallelTraining? parallel, ref RunLock? runLock)
    {
        if (parallel is { Writes: false })
        {
            return new RunFolder(path);
        }

        runLock = RunLock.Acquire(path, sameRun, force);
        return runLock.Folder;
    }

    /// <summary>
    /// What every rank must share: the settings (bar the data folder's path, which may differ between hosts) and the
    /// training data's content.
    /// </summary>
    private static string SameEverywhere(TrainJob job, LabData data)
    {
        var settings = Trainer.Describe(job).Where(kv => kv.Key is not ("data" or "data_labels" or "test_data" or "test_labels")).Select(kv => $"{kv.Key}={kv.Value}");
        ulong pixels = data.TrainValues is { } values ? ParameterHash.Of<double>(values) : ParameterHash.Of<byte>(data.TrainPixels), labels = ParameterHash.Of<int>(data.TrainLabels);
        return string.Create(CultureInfo.InvariantCulture, $"{string.Join("; ", settings)}; resume={job.ResumeFrom}; training data {pixels:x16}/{labels:x16}");
    }

    private static IAnsiConsole Silent() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(TextWriter.Null),
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
    });

    private static string CheckpointPath(string path)
    {
        string file = Directory.Exists(path) ? Path.Combine(path, Trainer.CheckpointFile) : path;
        return File.Exists(file)
            ? Path.GetFullPath(file)
            : throw new UsageException($"--resume '{path}': no checkpoint there (expected a run folder holding {Trainer.CheckpointFile}, or the file itself).");
    }

    private static long SavedStep(string checkpoint) =>
        long.TryParse(SafeTensors.Read(checkpoint).Metadata.GetValueOrDefault("step"), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long step)
            ? step
            : throw new CheckpointException($"{checkpoint}: its 'step' metadata is missing or not an integer.");

    private static IReadOnlyDictionary<string, string> ReadSettings(string checkpoint)
    {
        // Verified (digest, format, fields) before the run is rebuilt from it.
        var settings = Checkpoint.ReadInfo(checkpoint).Settings;
        return settings.Count > 0 ? settings : throw new CheckpointException($"{checkpoint}: no 'settings' metadata; it was not written by descent train.");
    }

    private static void RejectWithResume(ParseResult parse, MnistOptions mnist, Option optimizer, Option conventions)
    {
        var fixedByCheckpoint = new Option[] { optimizer, conventions, mnist.Hidden, mnist.Activation, mnist.Init, mnist.BatchSize, mnist.Epochs, mnist.Schedule, mnist.WeightDecay, mnist.BatchNorm, mnist.Dropout, mnist.Seed, mnist.Precision, mnist.NoFlushDenormals };
        var given = fixedByCheckpoint.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
        if (given.Count > 0)
        {
            throw new UsageException($"--resume takes the run's settings from the checkpoint; it cannot be combined with {string.Join(", ", given)} (only --iterations, --checkpoint-every, --out, --force and --data naming the same files moved).");
        }
    }
}
