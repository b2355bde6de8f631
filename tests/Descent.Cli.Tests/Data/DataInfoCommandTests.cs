using System.CommandLine;
using Descent.Data;
using Descent.Testing;

namespace Descent.Cli.Tests.Data;

public sealed class DataInfoCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("descent-info-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.BuildRoot().Parse(["data", "info", .. args]).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void BundledData_ShowsCountsShapesBalanceStatisticsAndChecksums()
    {
        (int code, string output, string error) = Run();
        Assert.True(code == 0, error);
        Assert.Contains("bundled MNIST subset", output, StringComparison.Ordinal);
        Assert.Contains("[10000, 28, 28]", output, StringComparison.Ordinal);
        Assert.Contains("10,000", output, StringComparison.Ordinal);
        Assert.Contains("33.791 (0.1325)", output, StringComparison.Ordinal);   // test-set pixel mean
        Assert.Contains("79.172 (0.3105)", output, StringComparison.Ordinal);   // and deviation
        Assert.Matches(@"│ 1\s+│ 1127\s+│ 11\.27\s+│ 1135\s+│ 11\.35", output);
        Assert.Contains("36707bfd63bcc1baf911512db8f40af1940d9fc513cb862f99741a994da05181", output, StringComparison.Ordinal);
        Assert.Contains("f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", output, StringComparison.Ordinal);
    }

    [Fact]
    public void DataFolder_IsReadWithItsOwnFiles()
    {
        IdxFile.Write(Path.Combine(_dir, "train-images-idx3-ubyte"), IdxArray.FromBytes([0, 255, 0, 255, 0, 0, 0, 0], 2, 2, 2));
        IdxFile.Write(Path.Combine(_dir, "train-labels-idx1-ubyte"), IdxArray.FromBytes([3, 3], 2));
        IdxFile.Write(Path.Combine(_dir, "t10k-images-idx3-ubyte.gz"), IdxArray.FromBytes([1, 2, 3, 4], 1, 2, 2));
        IdxFile.Write(Path.Combine(_dir, "t10k-labels-idx1-ubyte.gz"), IdxArray.FromBytes([9], 1));
        (int code, string output, string error) = Run("--data", _dir);
        Assert.True(code == 0, error);
        Assert.Contains("[2, 2, 2]", output, StringComparison.Ordinal);
        Assert.Contains("63.750 (0.2500)", output, StringComparison.Ordinal);
        Assert.Contains("t10k-labels-idx1-ubyte.gz", output, StringComparison.Ordinal);
    }

    [Fact]
    public void RepositoryDataFolder_IsTheBundledSubset()
    {
        (int code, string output, _) = Run("--data", Path.Combine(Goldens.RepositoryRoot, "data", "mnist"));
        Assert.Equal(0, code);
        Assert.Contains("mnist10k-images-idx3-ubyte.gz", output, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptFile_IsARunFailureNamingTheFile()
    {
        File.WriteAllBytes(Path.Combine(_dir, "train-images-idx3-ubyte"), [0, 0, 8, 3, 0, 0, 0, 9, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]);
        IdxFile.Write(Path.Combine(_dir, "train-labels-idx1-ubyte"), IdxArray.FromBytes([3], 1));
        IdxFile.Write(Path.Combine(_dir, "t10k-images-idx3-ubyte"), IdxArray.FromBytes([1, 2, 3, 4], 1, 2, 2));
        IdxFile.Write(Path.Combine(_dir, "t10k-labels-idx1-ubyte"), IdxArray.FromBytes([9], 1));
        (int code, _, string error) = Run("--data", _dir);
        Assert.Equal(Program.RunFailure, code);
        Assert.Contains("train-images-idx3-ubyte", error, StringComparison.Ordinal);
        Assert.Contains("7056 data bytes", error, StringComparison.Ordinal);
        Assert.Contains("only 3", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFolder_IsARunFailure()
    {
        (int code, _, string error) = Run("--data", Path.Combine(_dir, "absent"));
        Assert.Equal(Program.RunFailure, code);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }
}
