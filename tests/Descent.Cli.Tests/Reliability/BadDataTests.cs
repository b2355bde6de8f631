using Descent.Data;

namespace Descent.Cli.Tests.Reliability;

/// <summary>
/// Absurd sizes are refused up front with the estimate and what is available; broken data gets a message
/// about the data (which file, what is wrong), never an internal exception; nothing is left on disk.
/// </summary>
public sealed class BadDataTests : IDisposable
{
    private readonly string _data = LabConsole.TempFolder();

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Theory]
    [InlineData("100000000")]
    [InlineData("2147483647")]
    public void AbsurdBatch_IsRefusedWithTheEstimate_AndLeavesNoFolder(string batch)
    {
        string folder = Path.Combine(Path.GetTempPath(), "descent-tests", Guid.NewGuid().ToString("N"));
        var (code, output) = LabConsole.Run("train", "--batch-size", batch, "--iterations", "2", "--out", folder);
        Assert.Equal(Program.UsageError, code);
        Assert.Contains($"batch {batch}", output, StringComparison.Ordinal);
        Assert.Contains("GiB of memory", output, StringComparison.Ordinal);
        Assert.Contains("available", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void AbsurdBatch_InCompareMnist_IsRefusedWithTheEstimate()
    {
        var (code, output) = LabConsole.Run("compare-mnist", "--batch-size", "100000000", "--iterations", "2", "--out", LabConsole.TempFolder());
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("GiB of memory", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("empty-train", "the training set holds no images")]
    [InlineData("empty-test", "the test set holds no images")]
    [InlineData("small-images", "its images have 4 pixels; the lab's networks take 28×28")]
    [InlineData("damaged-gzip", "damaged compressed data")]
    public void BrokenData_GetsAMessageAboutTheData(string kind, string message)
    {
        int trainCount = kind == "empty-train" ? 0 : 3, testCount = kind == "empty-test" ? 0 : 2;
        int side = kind == "small-images" ? 2 : 28;
        Write("train-images-idx3-ubyte.gz", IdxArray.FromBytes(new byte[trainCount * side * side], trainCount, side, side));
        Write("train-labels-idx1-ubyte.gz", IdxArray.FromBytes(new byte[trainCount], trainCount));
        Write("t10k-images-idx3-ubyte.gz", IdxArray.FromBytes(new byte[testCount * side * side], testCount, side, side));
        Write("t10k-labels-idx1-ubyte.gz", IdxArray.FromBytes(new byte[testCount], testCount));
        if (kind == "damaged-gzip")
        {
            string file = Path.Combine(_data, "train-images-idx3-ubyte.gz");
            byte[] bytes = File.ReadAllBytes(file);
            bytes[bytes.Length / 2] ^= 0x55;
            bytes[^6] ^= 0x55;
            File.WriteAllBytes(file, bytes);
        }

        var before = RunFiles.Snapshot(_data);
        string folder = Path.Combine(Path.GetTempPath(), "descent-tests", Guid.NewGuid().ToString("N"));
        var (code, output) = LabConsole.Run("train", "--data", _data, "--iterations", "2", "--out", folder);
        Assert.Equal(Program.RunFailure, code);
        Assert.Contains(message, output.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.DoesNotContain("exclusiveMax", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
        Assert.Equal(before, RunFiles.Snapshot(_data));
    }

    [Fact]
    public void DataNamingAFile_SaysItIsAFile()
    {
        string file = Path.Combine(_data, "train-images-idx3-ubyte.gz");
        File.WriteAllText(file, "x");
        var (code, output) = LabConsole.Run("train", "--data", file, "--iterations", "2", "--out", LabConsole.TempFolder());
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("is a file", output, StringComparison.Ordinal);
    }

    private void Write(string name, IdxArray array) => IdxFile.Write(Path.Combine(_data, name), array);
}
