using System.CommandLine;
using System.Globalization;
using Descent.NeuralNetworks;
using Spectre.Console;

namespace Descent.Cli.Lab;

/// <summary>The MNIST options shared by <c>compare</c>, <c>compare-mnist</c> and <c>train</c>, and how they become settings.</summary>
internal sealed class MnistOptions
{
    public Option<string> Hidden { get; } = new("--hidden")
    {
        Description = "Hidden layer widths, comma-separated.",
        DefaultValueFactory = _ => "100,100,100,100",
        HelpName = "N,N,...",
    };

    public Option<string> Activation { get; } = LabOptions.Choice("--activation", "Hidden activation.", "relu", ["relu", "sigmoid", "tanh"]);

    public Option<string> Init { get; } = new("--init")
    {
        Description = "Weight initialisation: he (relu), xavier (sigmoid), or a standard deviation such as 0.01.",
        DefaultValueFactory = _ => "he",
    };

    public Option<int> BatchSize { get; } = LabOptions.Positive("--batch-size", "Examples per mini-batch (drawn with replacement, as the book does).", 128);

    public Option<int> Iterations { get; } = LabOptions.Positive("--iterations", "Updates per optimizer.", 2000);

    public Option<double?> Epochs { get; } = LabOptions.OptionalNumber<double>(
        "--epochs",
        "Train for this many passes' worth of batches instead of --iterations (iterations = ⌈epochs · N / batch⌉); not together with --iterations.",
        v => v is > 0 and < 1e6,
        "a number of passes above 0 and below 1e6",
        "E");

    public Option<double> WeightDecay { get; } = LabOptions.Number<double>(
        "--weight-decay", "The book's L2 penalty λ: ½λΣ‖W‖² in the loss, λW in each weight gradient.", 0, v => v >= 0, "a finite number ≥ 0", "λ");

    public Option<string?> Schedule { get; } = new("--schedule")
    {
        Description = "Learning-rate schedule stepped once per iteration, written like PyTorch's constructor: "
            + "\"StepLR(step_size=500, gamma=0.5)\", \"CosineAnnealingLR(T_max=2000)\", \"WarmupCosine(100, 2000)\".",
        HelpName = "EXPR",
    };

    public Option<bool> BatchNorm { get; } = new("--batch-norm") { Description = "Batch normalisation after each hidden affine layer (PyTorch's constants)." };

    public Option<double> Dropout { get; } = LabOptions.Number<double>(
        "--dropout", "Dropout probability after each hidden activation (inverted dropout); 0 disables.", 0, v => v is >= 0 and < 1, "a probability in [0, 1)", "P");

    public Option<long> Seed { get; } = LabOptions.Seed();

    /// <summary><c>--data</c> and the CSV/.npy options that go with it.</summary>
    public Descent.Cli.Data.DataOptions DataSource { get; } = new();

    public Option<string?> Data => DataSource.Path;

    public Option<string> Precision { get; } = LabOptions.Choice("--precision", "Arithmetic of the network and optimizers.", "float", ["float", "double"]);

    public Option<int> Threads { get; } = LabOptions.Positive("--threads", "How many optimizers train at the same time (default: the number of cores).", Math.Max(1, Environment.ProcessorCount));

    public Option<bool> NoFlushDenormals { get; } = LabOptions.NoFlushDenormals();

    public Option<bool> LinearY { get; } = new("--linear-y")
    {
        Description = "Draw the loss figures on the book's linear 0–1 axis (figure 6-9) instead of a log axis.",
    };

    public Option<int?> DiagnosticsEvery { get; } = LabOptions.OptionalNumber<int>(
        "--diagnostics-every",
        "Record per-layer gradient norm, update norm, update/weight ratio and effective-step quantiles every N iterations "
            + "(diagnostics.csv and the report's diagnostics figure); default about 50 samples per run, at most every 25th iteration; 0 turns them off.",
        v => v >= 0,
        "an integer ≥ 0 (0: no diagnostics)");

    public IEnumerable<Option> All => [Hidden, Activation, Init, BatchSize, Iterations, Epochs, Schedule, WeightDecay, BatchNorm, Dropout, Seed, .. DataSource.All, Precision, Threads, NoFlushDenormals, LinearY, DiagnosticsEvery];

    public static int[] ParseHidden(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1 || sizes[i] > 100_000)
            {
                string what = parts[i].Length == 0 ? $"width {i + 1} is empty" : $"'{parts[i]}' is not a layer width";
                throw new UsageException($"--hidden '{text}': {what}; give integers from 1 to 100000 separated by commas, e.g. --hidden 100,100,100,100.");
            }
        }

        return sizes;
    }

    /// <summary>The settings from the parsed options; the data sets the network's inputs and classes, and its size turns epochs into iterations.</summary>
    public MnistSettings Settings(ParseResult parse, Conventions conventions, LabData data)
    {
        int dataCount = data.TrainCount;
        string init = parse.GetValue(Init)!;
        try
        {
            _ = WeightInit.Parse(init);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--init: {UsageException.Clean(e)}", e);
        }

        string? schedule = parse.GetValue(Schedule);
        if (schedule is not null)
        {
            try
            {
                _ = ScheduleExpression.Parse(schedule);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new UsageException($"--schedule '{schedule}': {UsageException.Clean(e)}", e);
            }
        }

        if (parse.GetResult(Iterations) is { Implicit: false } && parse.GetResult(Epochs) is { Implicit: false })
        {
            throw new UsageException($"--iterations {parse.GetValue(Iterations)} and --epochs {parse.GetValue(Epochs)?.ToString(CultureInfo.InvariantCulture)} both set the run's length; give one of them.");
        }

        int batch = parse.GetValue(BatchSize);
        int iterations = parse.GetValue(Epochs) is { } epochs
            ? checked((int)Math.Ceiling(epochs * dataCount / batch))
            : parse.GetValue(Iterations);
        return new MnistSettings
        {
            Hidden = ParseHidden(parse.GetValue(Hidden)!),
            Activation = Enum.Parse<Activation>(parse.GetValue(Activation)!, ignoreCase: true),
            Init = init,
            BatchSize = batch,
            Iterations = Math.Max(1, iterations),
            Schedule = schedule,
            WeightDecay = parse.GetValue(WeightDecay),
            BatchNorm = parse.GetValue(BatchNorm),
            Dropout = parse.GetValue(Dropout),
            Seed = parse.GetValue(Seed),
            Conventions = conventions,
            FlushDenormals = !parse.GetValue(NoFlushDenormals),
            Parallelism = parse.GetValue(Threads),
            Inputs = data.FeatureCount,
            Classes = data.ClassCount,
            DiagnosticsEvery = parse.GetValue(DiagnosticsEvery),
        };
    }

    public bool IsDouble(ParseResult parse) => parse.GetValue(Precision) == "double";

    /// <summary>Runs the comparison with progress on <paramref name="console"/>, in the chosen precision.</summary>
    public static MnistRecord Run(IAnsiConsole console, LabData data, MnistSettings settings, IReadOnlyList<OptimizerSpec> specs, bool useDouble, CancellationToken stop = default)
    {
        MemoryEstimate.Check(settings, useDouble, specs.Count, data);
        console.MarkupLineInterpolated($"{(data.IsImages ? "MNIST" : "Data")}: {data.Description}; {settings.NetworkDescription}; batch {settings.BatchSize}; {settings.Iterations} iterations; {(useDouble ? "float64" : "float32")}.");
        console.MarkupLineInterpolated($"Seed: [bold]{settings.Seed}[/]. {LabDenormals.Describe(settings.FlushDenormals)} {settings.Parallelism} optimizer(s) at a time.");
        void RunWork(IReadOnlyList<ProgressWork> work) => LabProgress.Run(console, work, settings.Parallelism);
        return useDouble
            ? MnistExperiment.Run<double>(data, settings, specs, RunWork, stop)
            : MnistExperiment.Run<float>(data, settings, specs, RunWork, stop);
    }

    public static Dictionary<string, string> Describe(MnistSettings s, bool useDouble, IReadOnlyList<OptimizerSpec> specs, string data) => new()
    {
        ["network"] = s.NetworkDescription,
        ["batch size"] = s.BatchSize.ToString(CultureInfo.InvariantCulture),
        ["iterations"] = s.Iterations.ToString(CultureInfo.InvariantCulture),
        ["precision"] = useDouble ? "float64" : "float32",
        ["optimizers"] = string.Join("  ", specs.Select(o => o.Text)),
        ["conventions"] = s.Conventions.ToString(),
        ["data"] = data,
        ["matrix products"] = s.SequentialGemm ? "reference-BLAS order (one product at a time, no FMA)" : "blocked FMA kernel",
        ["loss"] = s.BookLoss ? "the book's −Σ log(p + 1e-7)/N" : "mean cross-entropy (exact log-softmax)",
        ["threads"] = s.Parallelism.ToString(CultureInfo.InvariantCulture),
        ["diagnostics every"] = s.DiagnosticsInterval > 0 ? s.DiagnosticsInterval.ToString(CultureInfo.InvariantCulture) + " iterations" : "off",
    };
}
