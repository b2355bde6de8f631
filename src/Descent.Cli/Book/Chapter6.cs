using System.Numerics;
using System.Text.Json.Nodes;
using Descent.Cli.Lab;

namespace Descent.Cli.Book;

/// <summary>Runs a chapter-6 experiment by kind and returns its data in the goldens' file schema.</summary>
internal static class Chapter6
{
    /// <summary>The file each kind writes into the run folder (the goldens' name for it).</summary>
    public static string FileName(BookKind kind) => kind switch
    {
        BookKind.ActivationHistograms => "activation_histograms.json",
        BookKind.WeightInitCompare => "weight_init_compare.json",
        BookKind.BatchNorm => "batch_norm.json",
        BookKind.BatchNormGrid => "batch_norm_grid.json",
        BookKind.OverfitWeightDecay => "overfit_weight_decay.json",
        BookKind.OverfitDropout => "overfit_dropout.json",
        BookKind.HyperparameterSearch => "hyperparameter_optimization.json",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static JsonObject Run(BookKind kind, LabData? data, BookSettings settings, Action<IReadOnlyList<ProgressWork>> runWork, SearchOptions? search = null) =>
        settings.UseDouble ? Run<double>(kind, data, settings, runWork, search) : Run<float>(kind, data, settings, runWork, search);

    private static JsonObject Run<T>(BookKind kind, LabData? data, BookSettings settings, Action<IReadOnlyList<ProgressWork>> runWork, SearchOptions? search)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (kind == BookKind.ActivationHistograms)
        {
            return ActivationHistograms.Run<T>(settings);
        }

        ArgumentNullException.ThrowIfNull(data);
        if (data.PixelsPerImage != 784)
        {
            throw new InvalidDataException($"The book's networks take 28×28 images; {data.Description} has {data.PixelsPerImage} pixels per image.");
        }

        return kind switch
        {
            BookKind.WeightInitCompare => TrainingExperiments.WeightInitCompare<T>(data, settings, runWork),
            BookKind.BatchNorm => BatchNormFile<T>(data, settings, runWork),
            BookKind.BatchNormGrid => BatchNormGrid<T>(data, settings, runWork),
            BookKind.OverfitWeightDecay => Pair(data, settings, runWork, "weight_decay_0.1", "weight_decay_0", (s, p) => TrainingExperiments.Overfit<T>(data, s, 0.1, p), (s, p) => TrainingExperiments.Overfit<T>(data, s, 0, p)),
            BookKind.OverfitDropout => Pair(data, settings, runWork, "dropout_0.2", "no_dropout", (s, p) => TrainingExperiments.Dropout<T>(data, s, true, p), (s, p) => TrainingExperiments.Dropout<T>(data, s, false, p)),
            BookKind.HyperparameterSearch => HyperparameterSearch.Run<T>(data, settings, search ?? new SearchOptions(), runWork),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private static JsonObject BatchNormFile<T>(LabData data, BookSettings settings, Action<IReadOnlyList<ProgressWork>> runWork)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        JsonObject? run = null;
        runWork([new ProgressWork("with and without BN", settings.Iterations(191) * 2, progress => run = TrainingExperiments.BatchNorm<T>(data, settings, TrainingExperiments.DefaultScaleIndex, new Shared(progress), new Shared(progress)))]);
        var file = new JsonObject
        {
            ["meta"] = run!["meta"]!.DeepClone(),
            ["weight_scale_list"] = BookJson.Numbers(TrainingExperiments.WeightScales),
            ["default_scale_index"] = TrainingExperiments.DefaultScaleIndex,
        };
        foreach (var key in new[] { "weight_init_std", "train_acc", "batch_ce_before_update", "check" })
        {
            file[key] = run[key]!.DeepClone();
        }

        return file;
    }

    private static JsonObject BatchNormGrid<T>(LabData data, BookSettings settings, Action<IReadOnlyList<ProgressWork>> runWork)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var runs = new JsonObject[TrainingExperiments.WeightScales.Length];
        int iterations = settings.Iterations(191);
        var inner = settings with { Parallelism = 1 };
        runWork([.. Enumerable.Range(0, runs.Length).Select(k => new ProgressWork($"W:{TrainingExperiments.WeightScales[k]:G4}", iterations * 2, progress =>
            runs[k] = TrainingExperiments.BatchNorm<T>(data, inner, k, new Shared(progress), new Shared(progress))))]);
        var d = TrainingExperiments.DefaultScaleIndex;
        return new JsonObject
        {
            ["meta"] = runs[d]["meta"]!.DeepClone(),
            ["weight_scale_list"] = BookJson.Numbers(TrainingExperiments.WeightScales),
            ["default_scale_index"] = d,
            ["all_scales_seed0_each"] = new JsonArray([.. runs.Select(r => (JsonNode?)r)]),
            ["all_scales_index4_equals_default_run"] = true,
        };
    }

    private static JsonObject Pair(
        LabData data, BookSettings settings, Action<IReadOnlyList<ProgressWork>> runWork, string first, string second,
        Func<BookSettings, IProgressReporter, JsonObject> runFirst, Func<BookSettings, IProgressReporter, JsonObject> runSecond)
    {
        var results = new JsonObject?[2];
        var inner = settings with { Parallelism = 1 };
        int iterations = first.StartsWith("dropout", StringComparison.Ordinal) ? settings.Iterations(903) : settings.Iterations(601);
        runWork(
        [
            new ProgressWork(first, iterations, p => results[0] = runFirst(inner, p)),
            new ProgressWork(second, iterations, p => results[1] = runSecond(inner, p)),
        ]);
        return new JsonObject
        {
            ["meta"] = new JsonObject { ["producer"] = "descent book (Descent.Cli)", ["mode"] = settings.ReproduceBook ? "--reproduce-book" : settings.Precision, ["data"] = data.Description, ["created"] = RunOutput.Now() },
            ["seed"] = 0,
            ["runs"] = new JsonObject { [first] = results[0], [second] = results[1] },
        };
    }

    /// <summary>Two networks reporting into one progress bar (their iterations add up).</summary>
    private sealed class Shared(IProgressReporter inner) : IProgressReporter
    {
        private long _done;

        public void Report(long done, double loss) => inner.Report(Interlocked.Increment(ref _done), loss);
    }
}
