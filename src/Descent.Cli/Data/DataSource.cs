using System.CommandLine;
using System.Globalization;
using Descent.Cli.Lab;

namespace Descent.Cli.Data;

/// <summary>What the lab trains on: the bundled subset, an IDX folder or downloaded dataset, or the user's CSV or .npy files.</summary>
/// <param name="Path">The <c>--data</c> value: null (bundled), a folder, a dataset name, a <c>.csv</c> file or a <c>.npy</c> features file.</param>
/// <param name="Label">CSV: the label column.</param>
/// <param name="Labels">.npy: the labels file.</param>
/// <param name="TestPath">The test file (CSV, or .npy features), or null to hold out <paramref name="TestFraction"/>.</param>
/// <param name="TestLabels">.npy: the test labels file.</param>
/// <param name="TestFraction">Without a test file: the fraction of the rows held out as the test set.</param>
internal sealed record DataSource(string? Path, string Label = DataSource.DefaultLabel, string? Labels = null, string? TestPath = null, string? TestLabels = null, double TestFraction = DataSource.DefaultTestFraction)
{
    public const string DefaultLabel = "label";

    public const double DefaultTestFraction = 0.2;

    /// <summary>The bundled MNIST subset.</summary>
    public static DataSource Bundled { get; } = new((string?)null);

    /// <summary>The kind of file <see cref="Path"/> names, by its extension: CSV, NumPy, or neither (IDX folder, dataset name).</summary>
    public DataFormat Format => Path is null ? DataFormat.Idx
        : Path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? DataFormat.Csv
        : Path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? DataFormat.Npy
        : DataFormat.Idx;

    /// <summary>The settings a checkpoint records so that <c>train --resume</c> reads the same data; the IDX form writes only <c>data</c>, as before.</summary>
    public IEnumerable<KeyValuePair<string, string>> Describe()
    {
        string Full(string p) => File.Exists(p) || Directory.Exists(p) ? System.IO.Path.GetFullPath(p) : p;
        yield return new("data", Path is null ? string.Empty : Full(Path));
        if (Format == DataFormat.Idx)
        {
            yield break;
        }

        if (Format == DataFormat.Csv)
        {
            yield return new("data_label", Label);
        }
        else
        {
            yield return new("data_labels", Full(Labels!));
        }

        if (TestPath is not null)
        {
            yield return new("test_data", Full(TestPath));
            if (TestLabels is not null)
            {
                yield return new("test_labels", Full(TestLabels));
            }
        }
        else
        {
            yield return new("test_fraction", TestFraction.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Reads back what <see cref="Describe"/> wrote (a checkpoint without the newer keys is an IDX run).</summary>
    public static DataSource FromSettings(IReadOnlyDictionary<string, string> settings)
    {
        string? Get(string key) => settings.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
        double fraction = Get("test_fraction") is { } f && double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? parsed : DefaultTestFraction;
        return new DataSource(Get("data"), Get("data_label") ?? DefaultLabel, Get("data_labels"), Get("test_data"), Get("test_labels"), fraction);
    }
}

/// <summary>How <c>--data</c>'s files are stored.</summary>
internal enum DataFormat
{
    /// <summary>IDX files in a folder (MNIST, Fashion-MNIST), or the bundled subset.</summary>
    Idx,

    /// <summary>A CSV file with a header and a label column.</summary>
    Csv,

    /// <summary>NumPy .npy files: features and labels.</summary>
    Npy,
}

/// <summary>The data options every training command shares: <c>--data</c> and, for CSV and .npy files, the label and test-set options.</summary>
internal sealed class DataOptions
{
    public Option<string?> Path { get; } = DataFiles.CreateOption(tabular: true);

    public Option<string?> Label { get; } = new("--label")
    {
        Description = $"CSV data: the name of the label column (default '{DataSource.DefaultLabel}'); every other column is a numeric feature.",
        HelpName = "COLUMN",
    };

    public Option<string?> Labels { get; } = new("--labels")
    {
        Description = ".npy data: the labels file, one class index per row of --data (shape (N,) or (N, 1)).",
        HelpName = "FILE",
    };

    public Option<string?> TestData { get; } = new("--test-data")
    {
        Description = "CSV or .npy data: the test set, in the same form as --data (default: --test-fraction of --data's rows are held out).",
        HelpName = "FILE",
    };

    public Option<string?> TestLabels { get; } = new("--test-labels")
    {
        Description = ".npy data: the test labels file, with --test-data.",
        HelpName = "FILE",
    };

    public Option<double?> TestFraction { get; } = LabOptions.OptionalNumber<double>(
        "--test-fraction",
        $"CSV or .npy data without --test-data: the fraction of rows held out as the test set (seeded split, seed 0; default {DataSource.DefaultTestFraction.ToString(CultureInfo.InvariantCulture)}).",
        v => v is > 0 and < 1,
        "a fraction in (0, 1)",
        "F");

    /// <summary>The options besides <c>--data</c>.</summary>
    public IEnumerable<Option> Extra => [Label, Labels, TestData, TestLabels, TestFraction];

    public IEnumerable<Option> All => [Path, .. Extra];

    /// <summary>True when the user gave any data option.</summary>
    public bool AnyGiven(ParseResult parse) => All.Any(o => parse.GetResult(o) is { Implicit: false });

    /// <summary>Reads and cross-checks the options; each misuse is a usage error naming the option.</summary>
    /// <exception cref="UsageException">An option does not fit the data's kind, or a needed one is missing.</exception>
    public DataSource Read(ParseResult parse)
    {
        var source = new DataSource(
            parse.GetValue(Path),
            parse.GetValue(Label) ?? DataSource.DefaultLabel,
            parse.GetValue(Labels),
            parse.GetValue(TestData),
            parse.GetValue(TestLabels),
            parse.GetValue(TestFraction) ?? DataSource.DefaultTestFraction);
        var format = source.Format;
        void Only(Option option, DataFormat kind, string what)
        {
            if (parse.GetResult(option) is { Implicit: false } && format != kind)
            {
                throw new UsageException($"{option.Name} applies to {what}; --data {(source.Path is null ? "is the bundled MNIST subset" : $"'{source.Path}' is not one")}.");
            }
        }

        Only(Label, DataFormat.Csv, "a .csv file given with --data");
        Only(Labels, DataFormat.Npy, "a .npy features file given with --data");
        Only(TestLabels, DataFormat.Npy, "a .npy features file given with --data");
        if (format == DataFormat.Idx)
        {
            Only(TestData, DataFormat.Csv, "a .csv or .npy file given with --data");
            Only(TestFraction, DataFormat.Csv, "a .csv or .npy file given with --data");
            return source;
        }

        if (source.TestPath is not null && parse.GetResult(TestFraction) is { Implicit: false })
        {
            throw new UsageException("--test-fraction holds out part of --data as the test set; with --test-data there is a test set already. Give one of them.");
        }

        if (source.TestPath is not null && !source.TestPath.EndsWith(format == DataFormat.Csv ? ".csv" : ".npy", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--test-data '{source.TestPath}': expected a {(format == DataFormat.Csv ? ".csv" : ".npy")} file, like --data.");
        }

        if (format == DataFormat.Npy)
        {
            if (source.Labels is null)
            {
                throw new UsageException($"--data '{source.Path}' holds the features; name the labels file with --labels FILE.npy (one class index per row).");
            }

            if ((source.TestPath is null) != (source.TestLabels is null))
            {
                throw new UsageException(source.TestPath is null
                    ? "--test-labels goes with --test-data (the test features); give both or neither."
                    : $"--test-data '{source.TestPath}' holds the test features; name their labels with --test-labels FILE.npy.");
            }
        }

        return source;
    }
}
