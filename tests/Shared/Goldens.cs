using System.Text.Json;

namespace Descent.Testing;

/// <summary>
/// Finds the reference results the tests read (<c>tests/goldens/</c>, copies of <c>../shared/goldens/</c> kept in
/// the repository so that a clone with nothing beside it passes its tests) and the repository itself, from
/// wherever the test assembly runs (a clone, a worktree, CI).
/// </summary>
internal static class Goldens
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Descent.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Descent.slnx above {AppContext.BaseDirectory}.");
    });

    /// <summary>The repository root (the folder holding Descent.slnx).</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>The repository's copies of the goldens, <c>tests/goldens/</c>.</summary>
    public static string Folder => Path.Combine(Root.Value, "tests", "goldens");

    /// <summary>
    /// Where the copies come from: <c>../shared/goldens/</c> beside the repository. A fresh clone does not have
    /// it; when it exists, a test checks that every copy is still identical to its source.
    /// </summary>
    public static string SharedFolder => Path.GetFullPath(Path.Combine(Root.Value, "..", "shared", "goldens"));

    /// <summary>Full path of a golden file, e.g. <c>PathOf("pytorch/optimizers.json")</c>. Fails clearly when missing.</summary>
    public static string PathOf(string relative)
    {
        string path = Path.Combine(Folder, relative);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Golden file {path} is missing: copy it byte for byte from ../shared/goldens/{relative} and add it to tests/goldens/SHA256SUMS.",
                path);
        }

        return path;
    }

    /// <summary>Parses a golden file.</summary>
    public static JsonDocument Load(string relative) => JsonDocument.Parse(File.ReadAllText(PathOf(relative)));
}
