using Descent.Testing;

namespace Descent.Tests.Readme;

/// <summary>
/// Every ```csharp block of README.md is code the build compiles: either the <c>#region README name</c> regions of
/// one file of samples/Descent.Samples (a file's using directives and a method body, joined), or a verbatim excerpt of
/// a file under src/. So a README example cannot stop compiling without the build failing here.
/// </summary>
public class ReadmeSnippetTests
{
    private const string RegionMarker = "#region README ";

    [Fact]
    public void EveryCSharpBlock_IsASampleRegion_OrAnExcerptOfTheSource()
    {
        var samples = SampleRegions();
        string[][] sources = [.. Directory.EnumerateFiles(Path.Combine(Goldens.RepositoryRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllLines)];

        var blocks = CSharpBlocks();
        Assert.NotEmpty(blocks);
        var orphans = blocks
            .Where(block => !samples.Values.Any(region => region.SequenceEqual(block)) && !sources.Any(lines => ContainsExcerpt(lines, block)))
            .Select(block => string.Join(" ⏎ ", block.Take(5)));
        Assert.Empty(orphans);
    }

    [Fact]
    public void EverySampleRegion_AppearsInTheReadme()
    {
        var blocks = CSharpBlocks();
        var unused = SampleRegions().Where(region => !blocks.Any(block => block.SequenceEqual(region.Value))).Select(region => region.Key);
        Assert.Empty(unused);
    }

    private static List<string[]> CSharpBlocks()
    {
        var blocks = new List<string[]>();
        List<string>? current = null;
        foreach (string line in File.ReadAllLines(Path.Combine(Goldens.RepositoryRoot, "README.md")))
        {
            if (current is null && line.Trim() == "```csharp")
            {
                current = [];
            }
            else if (current is not null && line.Trim() == "```")
            {
                blocks.Add(Dedent(current));
                current = null;
            }
            else
            {
                current?.Add(line);
            }
        }

        return blocks;
    }

    // name → the file's regions of that name, each dedented, joined in file order.
    private static Dictionary<string, string[]> SampleRegions()
    {
        var regions = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFiles(Path.Combine(Goldens.RepositoryRoot, "samples"), "*.cs", SearchOption.AllDirectories))
        {
            string? name = null;
            var lines = new List<string>();
            foreach (string line in File.ReadAllLines(path))
            {
                string trimmed = line.Trim();
                if (trimmed.StartsWith(RegionMarker, StringComparison.Ordinal))
                {
                    name = trimmed[RegionMarker.Length..];
                    lines.Add("\0");
                }
                else if (name is not null && trimmed == "#endregion")
                {
                    string[] part = Dedent(lines[(lines.LastIndexOf("\0") + 1)..]);
                    regions[name] = regions.TryGetValue(name, out string[]? earlier) ? [.. earlier, .. part] : part;
                    name = null;
                }
                else if (name is not null)
                {
                    lines.Add(line);
                }
            }
        }

        return regions;
    }

    private static bool ContainsExcerpt(string[] lines, string[] block)
    {
        for (int start = 0; start + block.Length <= lines.Length; start++)
        {
            if (lines[start].Trim() == block[0].Trim() && Dedent(lines.AsSpan(start, block.Length).ToArray()).SequenceEqual(block))
            {
                return true;
            }
        }

        return false;
    }

    private static string[] Dedent(IReadOnlyList<string> lines)
    {
        int indent = lines.Where(line => line.Trim().Length > 0).Select(line => line.Length - line.TrimStart().Length).DefaultIfEmpty(0).Min();
        return [.. lines.Select(line => line.Trim().Length == 0 ? string.Empty : line[indent..].TrimEnd())];
    }
}
