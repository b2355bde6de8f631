namespace Descent.Data;

/// <summary>
/// Finds and loads a dataset stored under the standard MNIST file names (which Fashion-MNIST shares):
/// <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>,
/// <c>t10k-labels-idx1-ubyte</c>, each optionally ending in <c>.gz</c> (also the <c>train-images.idx3-ubyte</c>
/// spelling some mirrors use). A folder holding only the bundled subset's <c>mnist10k-…</c> training files works too.
/// </summary>
public static class DatasetDirectory
{
    private static readonly string[] TrainImageStems = ["train-images-idx3-ubyte", "train-images.idx3-ubyte", "mnist10k-images-idx3-ubyte"];
    private static readonly string[] TrainLabelStems = ["train-labels-idx1-ubyte", "train-labels.idx1-ubyte", "mnist10k-labels-idx1-ubyte"];
    private static readonly string[] TestImageStems = ["t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte"];
    private static readonly string[] TestLabelStems = ["t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte"];

    /// <summary>Finds the four files in a folder.</summary>
    /// <param name="directory">The folder.</param>
    /// <returns>Their paths.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file is missing; the message lists the names looked for.</exception>
    public static DatasetFiles Locate(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Dataset folder '{directory}' does not exist.");
        }

        string images = Find(directory, TrainImageStems, "training images");

        // The subset's images go with the subset's labels, the full set's with the full set's.
        bool subset = Path.GetFileName(images).StartsWith("mnist10k", StringComparison.Ordinal);
        string labels = Find(directory, subset ? TrainLabelStems[2..] : TrainLabelStems[..2], "training labels");

        return new DatasetFiles(
            images,
            labels,
            Find(directory, TestImageStems, "test images"),
            Find(directory, TestLabelStems, "test labels"));
    }

    /// <summary>Finds and reads the four files in a folder.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="classCount">The number of classes (10 for MNIST and Fashion-MNIST).</param>
    /// <returns>The training and test sets.</returns>
    /// <exception cref="DataFormatException">A file is invalid.</exception>
    public static TrainTestSplit Load(string directory, int classCount = 10) => Load(Locate(directory), classCount);

    /// <summary>Reads the four files.</summary>
    /// <param name="files">Their paths.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <returns>The training and test sets.</returns>
    /// <exception cref="DataFormatException">A file is invalid.</exception>
    public static TrainTestSplit Load(DatasetFiles files, int classCount = 10)
    {
        ArgumentNullException.ThrowIfNull(files);
        return new TrainTestSplit(
            ImageDataset.Read(files.TrainImages, files.TrainLabels, classCount),
            ImageDataset.Read(files.TestImages, files.TestLabels, classCount));
    }

    private static string Find(string directory, string[] stems, string role)
    {
        foreach (string stem in stems)
        {
            foreach (string name in (ReadOnlySpan<string>)[stem, stem + ".gz"])
            {
                string path = Path.Combine(directory, name);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        throw new FileNotFoundException(
            $"No {role} in '{directory}': looked for {string.Join(", ", stems.Select(s => s + "[.gz]"))}.",
            Path.Combine(directory, stems[0]));
    }
}
