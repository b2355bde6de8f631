using System.Security.Cryptography;
using Descent.Data;

namespace Descent.Cli.Data;

/// <summary>
/// The MNIST subset that ships inside the CLI assembly (see <c>data/mnist/README.md</c>): the first
/// 10,000 official training images and the official 10,000-image test set. Embedded, so it is found
/// from any working directory and from an installed tool.
/// </summary>
internal static class BundledMnist
{
    public const string Description = "bundled MNIST subset (first 10,000 training images, official 10,000 test images)";

    private const string Prefix = "Descent.Cli.Data.";

    /// <summary>The embedded file names, in the order train images, train labels, test images, test labels.</summary>
    public static readonly IReadOnlyList<string> FileNames =
    [
        "mnist10k-images-idx3-ubyte.gz",
        "mnist10k-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ];

    /// <summary>Opens one embedded file (gzip-compressed, as stored in the repository).</summary>
    /// <param name="fileName">One of <see cref="FileNames"/>.</param>
    /// <returns>A readable stream.</returns>
    public static Stream Open(string fileName) =>
        typeof(BundledMnist).Assembly.GetManifestResourceStream(Prefix + fileName)
        ?? throw new InvalidOperationException($"The CLI assembly lacks its embedded data file '{fileName}'; the build is broken.");

    /// <summary>Loads the bundled training and test sets.</summary>
    /// <returns>The data with its file checksums.</returns>
    public static LoadedDataset Load()
    {
        ImageDataset Read(int images, int labels)
        {
            using Stream imageStream = Open(FileNames[images]);
            using Stream labelStream = Open(FileNames[labels]);
            return ImageDataset.Read(imageStream, "bundled " + FileNames[images], labelStream, "bundled " + FileNames[labels]);
        }

        var split = new TrainTestSplit(Read(0, 1), Read(2, 3));
        var files = new List<DataFileInfo>();
        for (int i = 0; i < FileNames.Count; i++)
        {
            using Stream stream = Open(FileNames[i]);
            files.Add(new DataFileInfo(DataFiles.Roles[i], FileNames[i], stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream))));
        }

        return new LoadedDataset(Description, split, files);
    }
}
