using System.CommandLine;
using System.Globalization;
using System.Numerics;
using Spectre.Console;

namespace Descent.Cli.Lab;

/// <summary><c>--seeds K</c> and <c>--target LOSS</c>: repeat a comparison over K seeds and count iterations to a loss.</summary>
internal sealed class SeedOptions
{
    public Option<int> Seeds { get; } = LabOptions.WithValidator(
        new Option<int>("--seeds")
        {
            Description = "Independent runs per optimizer: seed s = --seed, --seed+1, ... changes the initialisation and the batch order. "
                + "Plots show the median with a min–max band, tables mean ± std.",
            DefaultValueFactory = _ => 1,
        },
        v => v is >= 1 and <= 1000 ? null : $"--seeds must be an integer from 1 to 1000; got {v}.");

    public Option<double?> Target { get; } = LabOptions.WithValidator(
        new Option<double?>("--target") { Description = "A training loss: report the iterations each optimizer needs to reach it (on the smoothed curve).", HelpName = "LOSS" },
        v => v is { } t && !(double.IsFinite(t) && t > 0) ? $"--target must be a finite loss > 0; got {t}." : null);

    public IEnumerable<Option> All => [Seeds, Target];

    /// <summary>The seed count and target, checked against the base seed (every seed must stay in NumPy's range).</summary>
    public (int Seeds, double? Target) Read(ParseResult parse, long baseSeed)
    {
        int seeds = parse.GetValue(Seeds);
        if (baseSeed + seeds - 1 > uint.MaxValue)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--seed {baseSeed} with --seeds {seeds} would use seeds past {uint.MaxValue} (NumPy's range)."));
        }

        return (seeds, parse.GetValue(Target));
    }
}

/// <summary>Runs one MNIST comparison per seed, all optimizers of all seeds sharing the thread pool.</summary>
internal static class SeedRepeats
{
    public static MnistRecord Run(IAnsiConsole console, LabData data, MnistSettings settings, IReadOnlyList<OptimizerSpec> specs, bool useDouble, int seeds, double? target, CancellationToken stop = default)
    {
        console.MarkupLineInterpolated($"{(data.IsImages ? "MNIST" : "Data")}: {data.Description}; {settings.NetworkDescription}; batch {settings.BatchSize}; {settings.Iterations} iterations; {(useDouble ? "float64" : "float32")}.");
        console.MarkupLineInterpolated($"Seeds: [bold]{settings.Seed}..{settings.Seed + seeds - 1}[/] ({seeds} runs per optimizer). {LabDenormals.Describe(settings.FlushDenormals)} {settings.Parallelism} run(s) at a time.");
        return useDouble
            ? Run<double>(console, data, settings, specs, seeds, target, stop)
            : Run<float>(console, data, settings, specs, seeds, target, stop);
    }

    private static MnistRecord Run<T>(IAnsiConsole console, LabData data, MnistSettings settings, IReadOnlyList<OptimizerSpec> specs, int seeds, double? target, CancellationToken stop)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scaled = ScaledData<T>.From(data);
        var prepared = new List<(long Seed, IReadOnlyList<ProgressWork> Work, Func<MnistRecord> Collect)>();
        settings = settings with { GemmThreads = settings.GemmThreadsFor(seeds * specs.Count) };
        for (int s = 0; s < seeds; s++)
        {
            long seed = settings.Seed + s;
            var (work, collect) = MnistExperiment.Prepare(scaled, settings with { Seed = seed }, specs, stop);
            prepared.Add((seed, work, collect));
        }

        var all = prepared
            .SelectMany(p => p.Work.Select(w => seeds == 1 ? w : w with { Name = string.Create(CultureInfo.InvariantCulture, $"{w.Name} seed {p.Seed}") }))
            .ToList();
        LabProgress.Run(console, all, settings.Parallelism);
        var records = prepared.Select(p => (p.Seed, Record: p.Collect())).ToList();
        var record = records[0].Record;
        record.Repeats = [.. records.Select(r => new SeedRunsRecord { Seed = r.Seed, Runs = r.Record.Runs })];
        record.Target = target;
        return record;
    }
}
