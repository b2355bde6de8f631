using Descent.Data;

namespace Descent.Cli.Data;

/// <summary>A dataset the lab runs on, with where it came from.</summary>
/// <param name="Description">Where the data came from, for people: "bundled MNIST subset" or a folder.</param>
/// <param name="Data">The training and test sets.</param>
/// <param name="Files">The four files as stored, with sizes and SHA-256 sums.</param>
internal sealed record LoadedDataset(string Description, TrainTestSplit Data, IReadOnlyList<DataFileInfo> Files);

/// <summary>One stored data file.</summary>
/// <param name="Role">"train images", "train labels", "test images" or "test labels".</param>
/// <param name="Name">The file name (or path).</param>
/// <param name="Length">Its size in bytes as stored (compressed if it is).</param>
/// <param name="Sha256">The SHA-256 of the stored bytes, lower-case hex.</param>
internal sealed record DataFileInfo(string Role, string Name, long Length, string Sha256);
