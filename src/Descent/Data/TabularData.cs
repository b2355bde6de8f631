namespace Descent.Data;

/// <summary>Labelled feature rows read from the user's files: what a classifier trains (and optionally tests) on.</summary>
/// <param name="TrainFeatures">The training features, row-major <c>[TrainLabels.Length, FeatureCount]</c>.</param>
/// <param name="TrainLabels">One class index per training row.</param>
/// <param name="TestFeatures">The test features, or null when no test file was given.</param>
/// <param name="TestLabels">One class index per test row, or null.</param>
/// <param name="FeatureCount">Features per row.</param>
/// <param name="Classes">The classes, decided from the training and test labels together.</param>
public sealed record TabularData(double[] TrainFeatures, int[] TrainLabels, double[]? TestFeatures, int[]? TestLabels, int FeatureCount, ClassLabels Classes)
{
    /// <summary>
    /// Reads a training CSV file and optionally a test one with the same columns (see <see cref="CsvFile"/>).
    /// </summary>
    /// <param name="trainPath">The training file.</param>
    /// <param name="testPath">The test file, or null.</param>
    /// <param name="labelColumn">The label column's name.</param>
    /// <returns>The rows, labels encoded by <see cref="ClassLabels.FromText"/>.</returns>
    /// <exception cref="DataFormatException">A file is malformed, or the test file's columns differ from the training file's.</exception>
    public static TabularData ReadCsv(string trainPath, string? testPath, string labelColumn)
    {
        CsvTable train = CsvFile.Read(trainPath, labelColumn);
        CsvTable? test = testPath is null ? null : CsvFile.Read(testPath, labelColumn);
        if (test is not null && !test.FeatureNames.SequenceEqual(train.FeatureNames, StringComparer.Ordinal))
        {
            throw new DataFormatException(testPath!, $"the training file's feature columns ({string.Join(", ", train.FeatureNames)})", $"{string.Join(", ", test.FeatureNames)}");
        }

        var classes = test is null
            ? ClassLabels.FromText((trainPath, train.Labels))
            : ClassLabels.FromText((trainPath, train.Labels), (testPath!, test.Labels));
        return new TabularData(train.Features, classes.Encode(train.Labels), test?.Features, test is null ? null : classes.Encode(test.Labels), train.FeatureCount, classes)
        {
            FeatureNames = train.FeatureNames,
        };
    }

    /// <summary>
    /// Reads features and labels from NumPy <c>.npy</c> files: features of shape <c>(N, …)</c> (each row flattened in
    /// C order; <c>(N,)</c> is one feature per row) and labels of shape <c>(N,)</c> or <c>(N, 1)</c> holding class indices.
    /// </summary>
    /// <param name="trainFeatures">The training features.</param>
    /// <param name="trainLabels">The training labels.</param>
    /// <param name="testFeatures">The test features, or null.</param>
    /// <param name="testLabels">The test labels (with <paramref name="testFeatures"/>).</param>
    /// <returns>The rows, labels as class indices.</returns>
    /// <exception cref="DataFormatException">A file is malformed, the labels do not match the rows, or the test rows have another width.</exception>
    public static TabularData ReadNpy(string trainFeatures, string trainLabels, string? testFeatures, string? testLabels)
    {
        ArgumentNullException.ThrowIfNull(trainFeatures);
        ArgumentNullException.ThrowIfNull(trainLabels);
        if ((testFeatures is null) != (testLabels is null))
        {
            throw new ArgumentException("Test features and test labels come together: give both or neither.", nameof(testLabels));
        }

        var (x, width) = Rows(trainFeatures, NpyFile.Read(trainFeatures));
        int[] y = Labels(trainLabels, NpyFile.Read(trainLabels), trainFeatures, x.Length / width);
        double[]? testX = null;
        int[]? testY = null;
        if (testFeatures is not null)
        {
            (testX, int testWidth) = Rows(testFeatures, NpyFile.Read(testFeatures));
            if (testWidth != width)
            {
                throw new DataFormatException(testFeatures, $"{width} features per row, as in {trainFeatures}", $"{testWidth}");
            }

            testY = Labels(testLabels!, NpyFile.Read(testLabels!), testFeatures, testX.Length / width);
        }

        var classes = testY is null
            ? ClassLabels.FromIndices((trainLabels, y))
            : ClassLabels.FromIndices((trainLabels, y), (testLabels!, testY));
        return new TabularData(x, y, testX, testY, width, classes);
    }

    /// <summary>The feature columns' names when the file has them (CSV), else null.</summary>
    public IReadOnlyList<string>? FeatureNames { get; init; }

    private static (double[] Rows, int Width) Rows(string source, NpyArray array)
    {
        var shape = array.Shape;
        if (shape.Length == 0 || shape[0] == 0)
        {
            throw new DataFormatException(source, "features of shape (N, ...) with N ≥ 1 rows", $"shape {(shape.Length == 0 ? "() (a single number)" : array.ShapeText)}");
        }

        long width = array.Count / shape[0];
        if (width == 0 || width > int.MaxValue)
        {
            throw new DataFormatException(source, "at least one feature per row", $"shape {array.ShapeText}");
        }

        double[] values = array.ToArray<double>();
        int bad = Array.FindIndex(values, v => !double.IsFinite(v));
        if (bad >= 0)
        {
            throw new DataFormatException(source, "finite feature values", $"{values[bad]} at row {bad / width}, feature {bad % width}");
        }

        return (values, (int)width);
    }

    private static int[] Labels(string source, NpyArray array, string featuresSource, int rows)
    {
        int[] labels = ClassLabels.IndicesOf(array, source);
        if (labels.Length != rows)
        {
            throw new DataFormatException(source, $"{rows} labels, one per row of {featuresSource}", $"{labels.Length}");
        }

        return labels;
    }
}
