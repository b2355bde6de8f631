using System.Globalization;
using System.Security.Cryptography;
using Descent.Cli.Data;
using Descent.Data;
using Descent.Randomness;

namespace Descent.Cli.Lab;

/// <summary>Loads what <c>--data</c> names (default: the bundled MNIST subset) into the lab's raw form.</summary>
internal static class LabDataLoader
{
    /// <summary>Loads images (IDX) or the user's CSV or .npy files.</summary>
    /// <exception cref="UsageException">A folder or file does not exist, or a CSV or .npy file is malformed (the message names the file, the line or offset, and what was expected).</exception>
    public static LabData LoadFrom(DataSource source) => source.Format == DataFormat.Idx ? Load(source.Path) : LoadTabular(source);

    /// <summary>Pixels per image the lab's networks take (28 × 28).</summary>
    public const int MnistPixels = 784;

    /// <exception cref="UsageException">The folder does not exist (or names a dataset not downloaded yet).</exception>
    public static LabData Load(string? data)
    {
        LoadedDataset loaded;
        try
        {
            loaded = DataFiles.Load(data);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new UsageException(UsageException.Clean(e), e);
        }

        var (train, test) = (loaded.Data.Train, loaded.Data.Test);
        if (train.Count == 0 || test.Count == 0)
        {
            throw new DataFormatException($"{loaded.Description}: the {(train.Count == 0 ? "training" : "test")} set holds no images; the lab needs at least one of each.");
        }

        if (train.PixelsPerImage != test.PixelsPerImage)
        {
            throw new DataFormatException($"{loaded.Description}: training images have {train.PixelsPerImage} pixels but test images {test.PixelsPerImage}.");
        }

        if (train.PixelsPerImage != MnistPixels)
        {
            throw new DataFormatException($"{loaded.Description}: its images have {train.PixelsPerImage} pixels; the lab's networks take 28×28 MNIST-style images ({MnistPixels} pixels).");
        }

        return new LabData(loaded.Description, train.Pixels.ToArray(), Labels(train), test.Pixels.ToArray(), Labels(test), train.PixelsPerImage)
        {
            Checksums = string.Join(", ", loaded.Files.Select(f => $"{f.Role} {f.Sha256}")),
        };
    }

    /// <summary>
    /// CSV or .npy rows: read and checked by the library's parsers; without a test file a seeded <see cref="DataSource.TestFraction"/>
    /// of the rows (seed 0, so every run and seed sees the same test set) is held out; then every feature is standardised with the
    /// training rows' mean and standard deviation, as a tabular classifier needs (columns on different scales otherwise dominate).
    /// </summary>
    private static LabData LoadTabular(DataSource source)
    {
        string[] files = source.Format == DataFormat.Csv
            ? [source.Path!, .. source.TestPath is null ? [] : new[] { source.TestPath }]
            : [source.Path!, source.Labels!, .. source.TestPath is null ? [] : new[] { source.TestPath, source.TestLabels! }];
        foreach (string file in files)
        {
            if (!File.Exists(file))
            {
                throw new UsageException(Directory.Exists(file) ? $"'{file}' is a folder; expected a file." : $"'{file}': no such file.");
            }
        }

        TabularData table;
        try
        {
            table = source.Format == DataFormat.Csv
                ? TabularData.ReadCsv(source.Path!, source.TestPath, source.Label)
                : TabularData.ReadNpy(source.Path!, source.Labels!, source.TestPath, source.TestLabels);
        }
        catch (DataFormatException e)
        {
            // The user's own file is the input of this command: a malformed one is a usage error (exit 2), as a bad option is.
            throw new UsageException(UsageException.Clean(e), e);
        }

        int width = table.FeatureCount;
        double[] trainX = table.TrainFeatures, testX;
        int[] trainY = table.TrainLabels, testY;
        string split;
        if (table.TestFeatures is { } x && table.TestLabels is { } y)
        {
            (testX, testY) = (x, y);
            split = string.Create(CultureInfo.InvariantCulture, $"{trainY.Length} training rows, {testY.Length} test rows from {source.TestPath}");
        }
        else
        {
            int count = trainY.Length;
            if (count < 2)
            {
                throw new UsageException($"--data '{source.Path}' has {count} row; holding out a test set needs at least 2 (or give --test-data).");
            }

            int held = Math.Clamp((int)Math.Round(count * source.TestFraction), 1, count - 1);
            int[] order = RandomPermutation.Create(new MersenneTwister(0), count);
            int[] testRows = [.. order.AsSpan(0, held).ToArray().Order()], trainRows = [.. order.AsSpan(held).ToArray().Order()];
            (testX, testY) = Rows(trainX, trainY, width, testRows);
            (trainX, trainY) = Rows(trainX, trainY, width, trainRows);
            split = string.Create(CultureInfo.InvariantCulture, $"{trainRows.Length} training rows, {testRows.Length} held out for testing ({source.TestFraction:P0}, seed 0)");
        }

        Standardize(trainX, testX, width);
        string classes = table.Classes.AreIndices ? $"{table.Classes.Count} classes" : $"{table.Classes.Count} classes ({string.Join(", ", table.Classes.Names.Take(8))}{(table.Classes.Count > 8 ? ", …" : string.Empty)})";
        string description = string.Create(CultureInfo.InvariantCulture, $"{source.Path} ({split}; {width} features, standardised; {classes})");
        return new LabData(description, [], trainY, [], testY, width)
        {
            TrainValues = trainX,
            TestValues = testX,
            ClassCount = table.Classes.Count,
            ClassNames = table.Classes.Names,
            Checksums = string.Join(", ", files.Select(f => $"{System.IO.Path.GetFileName(f)} {Sha256(f)}")),
        };
    }

    private static (double[] Features, int[] Labels) Rows(double[] features, int[] labels, int width, int[] rows)
    {
        var x = new double[rows.Length * width];
        var y = new int[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            features.AsSpan(rows[i] * width, width).CopyTo(x.AsSpan(i * width));
            y[i] = labels[rows[i]];
        }

        return (x, y);
    }

    /// <summary>z-scores each feature with the training rows' mean and population standard deviation; a constant feature is only centred.</summary>
    private static void Standardize(double[] train, double[] test, int width)
    {
        int rows = train.Length / width;
        for (int f = 0; f < width; f++)
        {
            double mean = 0;
            for (int r = 0; r < rows; r++)
            {
                mean += train[(r * width) + f];
            }

            mean /= rows;
            double variance = 0;
            for (int r = 0; r < rows; r++)
            {
                double d = train[(r * width) + f] - mean;
                variance += d * d;
            }

            double std = Math.Sqrt(variance / rows);
            double scale = std > 0 ? 1 / std : 1;
            foreach (double[] set in (ReadOnlySpan<double[]>)[train, test])
            {
                for (int i = f; i < set.Length; i += width)
                {
                    set[i] = (set[i] - mean) * scale;
                }
            }
        }
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static int[] Labels(ImageDataset data)
    {
        var labels = new int[data.Count];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = data.Labels[i];
        }

        return labels;
    }
}
