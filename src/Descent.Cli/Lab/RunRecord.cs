using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Descent.Cli.Lab;

/// <summary>Everything a run computed, as saved in <c>run.json</c>: plots and reports are drawn from this alone.</summary>
internal sealed class RunRecord
{
    public string Command { get; set; } = string.Empty;

    public string Created { get; set; } = string.Empty;

    /// <summary>The seed of every random choice in the run (null when the run draws nothing at random).</summary>
    public long? Seed { get; set; }

    public bool FlushDenormals { get; set; }

    /// <summary>Whether Ctrl-C stopped the run: some curves or paths are partial (each says where it stopped).</summary>
    public bool Interrupted { get; set; }

    /// <summary>The command line as typed (after <c>descent</c>), for the report; empty for runs saved before it was recorded.</summary>
    public string CommandLine { get; set; } = string.Empty;

    /// <summary>The version of Descent that computed the run.</summary>
    public string Version { get; set; } = string.Empty;

    /// <summary>
    /// Draw the loss figures on the book's linear 0–1 axis instead of a log axis (<c>--linear-y</c>); saved so that
    /// <c>descent plot</c> redraws the figures as they were.
    /// </summary>
    public bool LinearY { get; set; }

    /// <summary>The settings as the user gave them or as defaulted, for the report.</summary>
    public Dictionary<string, string> Settings { get; set; } = [];

    public TwoDRecord? TwoD { get; set; }

    public MnistRecord? Mnist { get; set; }

    /// <summary>What <c>descent tune</c> found (the tuned configurations and budget curves); null for other commands.</summary>
    public Tuning.TuneRecord? Tune { get; set; }
}

/// <summary>Trajectories of several optimizers on one function of two variables.</summary>
internal sealed class TwoDRecord
{
    public string Function { get; set; } = string.Empty;

    public string Formula { get; set; } = string.Empty;

    public string Conventions { get; set; } = string.Empty;

    public double StartX { get; set; }

    public double StartY { get; set; }

    public int Steps { get; set; }

    public List<TrajectoryRecord> Runs { get; set; } = [];

    /// <summary>
    /// With <c>--seeds K</c>: every seed's paths from its random start around (<see cref="StartX"/>, <see cref="StartY"/>),
    /// the first being <see cref="Runs"/>; null for a plain run from the start itself.
    /// </summary>
    public List<TwoDSeedRecord>? Repeats { get; set; }

    /// <summary>The value of f whose first crossing the seeds' summary counts steps to; null: none asked.</summary>
    public double? Target { get; set; }
}

/// <summary>One optimizer's path: point k is the position after k updates (point 0 is the start).</summary>
internal sealed class TrajectoryRecord
{
    public string Label { get; set; } = string.Empty;

    public string Optimizer { get; set; } = string.Empty;

    public double[] X { get; set; } = [];

    public double[] Y { get; set; } = [];

    public double[] Value { get; set; } = [];

    /// <summary>The first step whose position (or value of f) was not finite, when the run diverged.</summary>
    public int? DivergedAt { get; set; }

    /// <summary>When Ctrl-C stopped the run: the steps it had done (the path holds the start and those); null otherwise.</summary>
    public int? InterruptedAt { get; set; }

    /// <summary>"diverged at step k", "interrupted at step k", or null for a path that ran all its steps.</summary>
    public string? Outcome() => RunOutcome.Describe(DivergedAt, InterruptedAt, "step");
}

/// <summary>Loss curves of several optimizers training the same network on the same batches.</summary>
internal sealed class MnistRecord
{
    public string Network { get; set; } = string.Empty;

    public string Data { get; set; } = string.Empty;

    public string Precision { get; set; } = string.Empty;

    public int BatchSize { get; set; }

    public int Iterations { get; set; }

    public List<LossCurveRecord> Runs { get; set; } = [];

    /// <summary>
    /// With <c>--seeds K</c> (or <c>--target</c>): every seed's runs, the first being <see cref="Runs"/>; null for a
    /// single plain run.
    /// </summary>
    public List<SeedRunsRecord>? Repeats { get; set; }

    /// <summary>The loss whose first crossing (on the smoothed curve) the summary counts iterations to; null: none asked.</summary>
    public double? Target { get; set; }
}

/// <summary>One seed's comparison: the same optimizers, initialisation and batches drawn from <see cref="Seed"/>.</summary>
internal sealed class SeedRunsRecord
{
    public long Seed { get; set; }

    public List<LossCurveRecord> Runs { get; set; } = [];
}

/// <summary>One optimizer's training: <see cref="Loss"/>[i] is the loss after update i, on that update's batch.</summary>
internal sealed class LossCurveRecord
{
    public string Label { get; set; } = string.Empty;

    public string Optimizer { get; set; } = string.Empty;

    public double[] Loss { get; set; } = [];

    /// <summary>Mean of the last 100 losses (or of all, when fewer): the summary's noise-free final loss.</summary>
    public double FinalLoss { get; set; }

    /// <summary>Mean cross-entropy on the test set (the validation split when tuning) after training; null when not measured.</summary>
    public double? TestLoss { get; set; }

    /// <summary>Accuracy on the official test set after training (null when not measured).</summary>
    public double? TestAccuracy { get; set; }

    /// <summary>Where the test accuracy was measured when not at the trained parameters (Schedule-Free: the averaged point).</summary>
    public string? EvaluatedAt { get; set; }

    /// <summary>Wall time of the training loop, seconds.</summary>
    public double Seconds { get; set; }

    /// <summary>When the run diverged: the index of the step whose loss was NaN or ∞ (the curve stops before it); null otherwise.</summary>
    public long? DivergedAt { get; set; }

    /// <summary>The non-finite loss at <see cref="DivergedAt"/>, as text (JSON has no NaN or ∞); null otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double? DivergedLoss { get; set; }

    /// <summary>When Ctrl-C stopped the run: the iterations it had done (its curve's length); null otherwise.</summary>
    public long? InterruptedAt { get; set; }

    /// <summary>Per-layer gradient and update norms and effective steps at the logging interval; null when not recorded (<c>--diagnostics-every 0</c>).</summary>
    public DiagnosticsRecord? Diagnostics { get; set; }

    /// <summary>
    /// "diverged at iteration k" (k numbered from 0 as in losses.csv: the first iteration whose loss was not finite),
    /// "interrupted at iteration k" (k iterations done), or null for a run that completed.
    /// </summary>
    public string? Outcome() => RunOutcome.Describe(DivergedAt, InterruptedAt, "iteration");

    public static double MeanOfLast(double[] values, int count)
    {
        int n = Math.Min(count, values.Length);
        double sum = 0;
        for (int i = values.Length - n; i < values.Length; i++)
        {
            sum += values[i];
        }

        return n == 0 ? double.NaN : sum / n;
    }
}

/// <summary>How the tables, files, figures and report name a run that stopped early.</summary>
internal static class RunOutcome
{
    /// <summary>"diverged at UNIT k", "interrupted at UNIT k", or null for a run that did all its steps.</summary>
    public static string? Describe(long? divergedAt, long? interruptedAt, string unit) =>
        divergedAt is { } k ? string.Create(CultureInfo.InvariantCulture, $"diverged at {unit} {k}")
        : interruptedAt is { } s ? string.Create(CultureInfo.InvariantCulture, $"interrupted at {unit} {s}")
        : null;
}

/// <summary>A run folder: where a run's data, plots and report live.</summary>
internal sealed class RunFolder
{
    public const string RecordFile = "run.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public RunFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>The folder the user named, or a new <c>runs/yyyyMMdd-HHmmss</c> (suffixed when taken).</summary>
    public static RunFolder CreateOrDefault(string? requested)
    {
        string path = requested ?? NewPath();
        Directory.CreateDirectory(path);
        return new RunFolder(path);
    }

    /// <summary>A new <c>runs/yyyyMMdd-HHmmss</c> that does not exist yet (suffixed when taken); not created.</summary>
    public static string NewPath()
    {
        string path = System.IO.Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        string candidate = path;
        for (int n = 2; Directory.Exists(candidate); n++)
        {
            candidate = string.Create(CultureInfo.InvariantCulture, $"{path}-{n}");
        }

        return candidate;
    }

    /// <summary>Opens an existing run for redrawing.</summary>
    /// <exception cref="UsageException">No such folder or no run.json in it.</exception>
    public static (RunFolder Folder, RunRecord Record) Open(string path)
    {
        var folder = new RunFolder(path);
        string file = folder.File(RecordFile);
        if (!System.IO.File.Exists(file))
        {
            throw new UsageException($"'{path}' is not a run folder: {file} does not exist.");
        }

        RunRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<RunRecord>(System.IO.File.ReadAllText(file), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file} is not a valid run record: {UsageException.Clean(e)}", e);
        }

        if (record is null || (record.TwoD is null && record.Mnist is null))
        {
            throw new InvalidDataException($"{file} holds no trajectories and no loss curves.");
        }

        return (folder, record);
    }

    /// <summary>Writes run.json and the CSV exports.</summary>
    /// <returns>The files written.</returns>
    public IReadOnlyList<string> SaveData(RunRecord record)
    {
        var files = new List<string>();
        WriteAtomically(File(RecordFile), JsonSerializer.Serialize(record, Json), files);
        if (record.TwoD is { } twoD)
        {
            var csv = new StringBuilder("optimizer,step,x,y,f\n");
            foreach (var run in twoD.Runs)
            {
                for (int k = 0; k < run.X.Length; k++)
                {
                    csv.Append(CultureInfo.InvariantCulture, $"{Csv(run.Label)},{k},{R(run.X[k])},{R(run.Y[k])},{R(run.Value[k])}\n");
                }
            }

            WriteAtomically(File("trajectories.csv"), csv.ToString(), files);
            if (twoD.Repeats is not null)
            {
                WriteAtomically(File("trajectories_seeds.csv"), TwoDSeeds.Csv(twoD, Csv), files);
            }
        }

        if (record.Mnist is { } mnist)
        {
            var csv = new StringBuilder("iteration");
            foreach (var run in mnist.Runs)
            {
                csv.Append(',').Append(Csv(run.Label));
            }

            csv.Append('\n');
            int rows = mnist.Runs.Count == 0 ? 0 : mnist.Runs.Max(r => r.Loss.Length);
            for (int i = 0; i < rows; i++)
            {
                csv.Append(i.ToString(CultureInfo.InvariantCulture));
                foreach (var run in mnist.Runs)
                {
                    csv.Append(',');
                    if (i < run.Loss.Length)
                    {
                        csv.Append(R(run.Loss[i]));
                    }
                }

                csv.Append('\n');
            }

            WriteAtomically(File("losses.csv"), csv.ToString(), files);
            var summary = new StringBuilder("optimizer,spec,final_loss_mean_last_100,test_accuracy,seconds,outcome\n");
            foreach (var run in mnist.Runs)
            {
                summary.Append(CultureInfo.InvariantCulture, $"{Csv(run.Label)},{Csv(run.Optimizer)},{R(run.FinalLoss)},{(run.TestAccuracy is { } a ? R(a) : string.Empty)},{R(run.Seconds)},{run.Outcome() ?? "completed"}\n");
            }

            WriteAtomically(File("summary.csv"), summary.ToString(), files);
            if (mnist.Repeats is not null)
            {
                WriteAtomically(File("seeds.csv"), SeedReport.Csv(mnist), files);
            }

            if ((mnist.Repeats?.SelectMany(r => r.Runs) ?? mnist.Runs).Any(r => r.Diagnostics is not null))
            {
                WriteAtomically(File("diagnostics.csv"), DiagnosticsRecord.Csv(mnist, record.Seed, Csv), files);
            }
        }

        return files;
    }

    public static void WriteAtomically(string path, string text, List<string>? written = null)
    {
        string temp = path + ".tmp";
        System.IO.File.WriteAllText(temp, text);
        System.IO.File.Move(temp, path, overwrite: true);
        written?.Add(path);
    }

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Csv(string s) =>
        s.AsSpan().IndexOfAny(",\"\n") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
