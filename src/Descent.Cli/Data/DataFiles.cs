using System.Security.Cryptography;
using Descent.Data;

namespace Descent.Cli.Data;

/// <summary>Resolves the lab's <c>--data</c> option: the bundled subset, a folder, or a downloaded dataset's name.</summary>
internal static class DataFiles
{
    /// <summary>The four files' roles, in <see cref="DatasetFiles.All"/> order.</summary>
    public static readonly IReadOnlyList<string> Roles = ["train images", "train labels", "test images", "test labels"];

    /// <summary>The help text of every <c>--data</c> option.</summary>
    public const string OptionDescription =
        "Folder with MNIST-style IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, " +
        "t10k-labels-idx1-ubyte, each optionally .gz), or the name of a dataset fetched with 'descent data download' " +
        "(mnist, fashion-mnist). Default: the bundled MNIST subset.";

    /// <summary>The help text of <c>--data</c> on the commands that also read the user's CSV and .npy files.</summary>
    public const string TabularOptionDescription =
        OptionDescription + " Or your own data: a .csv file (a header row, numeric features, the label column named by --label) " +
        "or a .npy features file (float32/float64/uint8/int32/int64, C order; labels with --labels).";

    /// <summary>Creates a <c>--data DIR</c> option for a command.</summary>
    /// <param name="tabular">The command also reads CSV and .npy files.</param>
    /// <returns>The option.</returns>
    public static System.CommandLine.Option<string?> CreateOption(bool tabular = false) => new("--data")
    {
        Description = tabular ? TabularOptionDescription : OptionDescription,
        HelpName = tabular ? "DIR|FILE" : "DIR",
    };

    /// <summary>Where <c>descent data download NAME</c> puts a dataset when no <c>--to</c> is given.</summary>
    /// <param name="name">The dataset name, e.g. <c>mnist</c>.</param>
    /// <returns>The folder: the per-user data folder's <c>descent/datasets/NAME</c>.</returns>
    public static string DefaultDownloadDirectory(string name)
    {
        string root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(root))
        {
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.Combine(root, "descent", "datasets", name);
    }

    /// <summary>Loads what <c>--data</c> names.</summary>
    /// <param name="data">Null for the bundled subset; a folder; or a dataset name from <see cref="DatasetCatalog"/> whose default download folder exists.</param>
    /// <returns>The dataset and its files' checksums.</returns>
    /// <exception cref="DirectoryNotFoundException">No such folder and no downloaded dataset of that name.</exception>
    /// <exception cref="FileNotFoundException">The folder lacks a file.</exception>
    /// <exception cref="DataFormatException">A file is invalid.</exception>
    public static LoadedDataset Load(string? data)
    {
        if (data is null)
        {
            return BundledMnist.Load();
        }

        string directory = Resolve(data);
        DatasetFiles files = DatasetDirectory.Locate(directory);
        TrainTestSplit split = DatasetDirectory.Load(files);
        var infos = new List<DataFileInfo>();
        for (int i = 0; i < files.All.Count; i++)
        {
            using var stream = File.OpenRead(files.All[i]);
            infos.Add(new DataFileInfo(Roles[i], files.All[i], stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream))));
        }

        return new LoadedDataset(Path.GetFullPath(directory), split, infos);
    }

    private static string Resolve(string data)
    {
        if (Directory.Exists(data))
        {
            return data;
        }

        if (DatasetCatalog.Find(data) is not null && Directory.Exists(DefaultDownloadDirectory(data)))
        {
            return DefaultDownloadDirectory(data);
        }

        if (File.Exists(data))
        {
            throw new DirectoryNotFoundException($"--data: '{data}' is a file; --data takes the folder that holds the four IDX files (or a dataset name).");
        }

        string hint = DatasetCatalog.Find(data) is not null
            ? $" '{data}' has not been downloaded yet: run 'descent data download {data}'."
            : string.Empty;
        throw new DirectoryNotFoundException($"--data: folder '{data}' does not exist.{hint}");
    }
}
