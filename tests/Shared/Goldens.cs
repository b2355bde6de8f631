using System.Text.Json;

namespace Descent.Testing;

/// <summary>
/// Finds the shared reference results (<c>../shared/goldens/</c> beside the repository root) and the
/// repository itself, from wherever the test assembly runs (a clone, a worktree, CI).
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

    /// <summary>The shared folder beside the repository (read-only material: goldens, data).</summary>
    public static string SharedRoot => Path.GetFullPath(Path.Combine(Root.Value, "..", "shared"));

    /// <summary>Full path of a golden file, e.g. <c>Path("pytorch/optimizers.json")</c>. Fails clearly when missing.</summary>
    public static string PathOf(string relative)
    {
        string path = Path.Combine(SharedRoot, "goldens", relative);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Golden file {path} is missing: the tests expect ../shared/goldens beside the repository (CI has it).", path);
        }

        return path;
    }

    /// <summary>Parses a golden file.</summary>
    public static JsonDocument Load(string relative) => JsonDocument.Parse(File.ReadAllText(PathOf(relative)));
}
