using System.Security.Cryptography;
using Descent.Testing;

namespace Descent.Tests;

/// <summary>
/// The repository's goldens (tests/goldens/) are byte-for-byte copies of ../shared/goldens/. Their checksums are
/// recorded in tests/goldens/SHA256SUMS, so an edited or line-ending-converted copy fails on any clone; where the
/// shared folder exists (CI), every copy must also equal its source, so a refreshed golden is noticed.
/// </summary>
public class GoldenCopyTests
{
    private const string Manifest = "SHA256SUMS";

    private const string HowToRefresh =
        "refresh with: cp -a ../shared/goldens/. tests/goldens/ && (cd tests/goldens && find . -type f ! -name SHA256SUMS | sed 's|^\\./||' | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)";

    [Fact]
    public void Copies_MatchTheirChecksums_AndTheSharedGoldensWhenPresent()
    {
        var recorded = ReadManifest();
        var copies = CopiedFiles();
        Assert.True(copies.SetEquals(recorded.Keys),
            $"tests/goldens/{Manifest} lists [{string.Join(", ", recorded.Keys.Except(copies))}] that are missing and misses [{string.Join(", ", copies.Except(recorded.Keys))}]; {HowToRefresh}");

        var problems = new List<string>();
        foreach (string relative in copies.Order(StringComparer.Ordinal))
        {
            byte[] copy = File.ReadAllBytes(Path.Combine(Goldens.Folder, relative));
            if (Convert.ToHexStringLower(SHA256.HashData(copy)) != recorded[relative])
            {
                problems.Add($"{relative}: does not match its checksum in {Manifest}");
            }

            string source = Path.Combine(Goldens.SharedFolder, relative);
            if (Directory.Exists(Goldens.SharedFolder) && (!File.Exists(source) || !File.ReadAllBytes(source).AsSpan().SequenceEqual(copy)))
            {
                problems.Add($"{relative}: differs from {source}");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems.Append(HowToRefresh)));
    }

    [Fact]
    public void Copies_IncludeTheReadmeAndEveryGoldenTheTestsRead()
    {
        string[] required =
        [
            "README.md", "book/ch6/README.md", "book/naive_trajectories.json", "book/mnist_compare_losses.json",
            "pytorch/optimizers.json", "pytorch/schedulers.json", "pytorch/networks.json", "pytorch/muon.json",
            "optax/optimizers.json", "optax/modern.json",
        ];
        Assert.Empty(required.Except(CopiedFiles()));
    }

    private static HashSet<string> CopiedFiles() =>
        Directory.EnumerateFiles(Goldens.Folder, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Goldens.Folder, path).Replace('\\', '/'))
            .Where(relative => relative != Manifest)
            .ToHashSet(StringComparer.Ordinal);

    // sha256sum's format, so `sha256sum -c SHA256SUMS` checks the copies outside the tests too.
    private static Dictionary<string, string> ReadManifest() =>
        File.ReadAllLines(Path.Combine(Goldens.Folder, Manifest))
            .Where(line => line.Length > 0)
            .Select(line => line.Split("  ", 2))
            .ToDictionary(parts => parts[1], parts => parts[0], StringComparer.Ordinal);
}
