using Descent.Checkpoints;
using Descent.Data;

namespace Descent.Cli.Tests.Reliability;

/// <summary>
/// --resume checks what it reads: a hand-edited (and re-sealed) setting is refused naming the file and the field,
/// not an option the user never passed; data that moved is accepted when its files are the same, refused with
/// both checksums when not. Nothing in the run folder changes on a refusal.
/// </summary>
public sealed class ResumeChecksTests : IDisposable
{
    private readonly string _root = LabConsole.TempFolder();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("batch_size", "99999999999")]
    [InlineData("iterations", "-4")]
    [InlineData("activation", "Swish")]
    [InlineData("activation", "7")]
    [InlineData("hidden", "0,5")]
    [InlineData("seed", "-1")]
    [InlineData("dropout", "1.5")]
    [InlineData("weight_decay", "NaN")]
    [InlineData("optimizer", "adamish:lr=1")]
    [InlineData("precision", "half")]
    [InlineData("conventions", "keras")]
    [InlineData("batch_norm", "yes")]
    public void EditedSetting_IsRefusedNamingFileAndField(string key, string value)
    {
        string run = Trained();
        string checkpoint = Path.Combine(run, "checkpoint.safetensors");
        var content = SafeTensors.Read(checkpoint);
        var metadata = new Dictionary<string, string>(content.Metadata, StringComparer.Ordinal);
        var settings = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(metadata["settings"])!;
        settings[key] = value;
        metadata["settings"] = System.Text.Json.JsonSerializer.Serialize(settings);
        byte[] file = SafeTensors.Serialize(new SafeTensorsContent(content.Tensors, metadata));
        Checkpoint.Seal(file);
        File.WriteAllBytes(checkpoint, file);
        var before = RunFiles.Snapshot(run);

        var (code, output) = LabConsole.Run("train", "--resume", run, "--iterations", "6");
        Assert.Equal(Program.RunFailure, code);
        string message = output.ReplaceLineEndings(string.Empty);
        Assert.Contains("checkpoint.safetensors", message, StringComparison.Ordinal);
        Assert.Contains($"settings field '{key}' is '{value}'", message, StringComparison.Ordinal);
        Assert.DoesNotContain("--hidden", message, StringComparison.Ordinal);
        Assert.Equal(before, RunFiles.Snapshot(run));
    }

    [Fact]
    public void MovedData_WithTheSameFiles_ResumesToTheStraightResult()
    {
        string data = Dataset("a", labelShift: 0);
        string run = Trained(data, iterations: 3);
        string moved = Path.Combine(_root, "moved");
        Directory.Move(data, moved);

        var (code, output) = LabConsole.Run("train", "--resume", run, "--iterations", "8");
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("does not exist", output, StringComparison.Ordinal);

        (code, output) = LabConsole.Run("train", "--resume", run, "--iterations", "8", "--data", moved);
        Assert.True(code == 0, output);
        string straight = Trained(moved, iterations: 8);
        RunFiles.AssertSameRun(straight, run, "resumed on moved data");
        Assert.Equal(Path.GetFullPath(moved), Checkpoint.ReadInfo(Path.Combine(run, "checkpoint.safetensors")).Settings["data"]);
    }

    [Fact]
    public void OtherData_IsRefusedWithBothChecksums_AndNothingChanges()
    {
        string run = Trained(Dataset("a", labelShift: 0), iterations: 3);
        string other = Dataset("b", labelShift: 1);
        var before = RunFiles.Snapshot(run);
        var (code, output) = LabConsole.Run("train", "--resume", run, "--iterations", "8", "--data", other);
        Assert.Equal(Program.UsageError, code);
        string message = output.ReplaceLineEndings(string.Empty);
        Assert.Contains("SHA-256", message, StringComparison.Ordinal);
        Assert.Contains("train labels", message, StringComparison.Ordinal);
        Assert.Equal(before, RunFiles.Snapshot(run));
    }

    private string Trained(string? data = null, int iterations = 3)
    {
        string folder = Path.Combine(_root, Guid.NewGuid().ToString("N"));
        string[] dataArgs = data is null ? [] : ["--data", data];
        var (code, output) = LabConsole.Run(["train", "--hidden", "12", "--batch-size", "4", "--seed", "2", "--iterations", iterations.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", folder, .. dataArgs]);
        Assert.True(code == 0, output);
        return folder;
    }

    /// <summary>A small MNIST-shaped dataset: 16 training and 6 test images of 28×28.</summary>
    private string Dataset(string name, int labelShift)
    {
        string folder = Path.Combine(_root, name);
        Directory.CreateDirectory(folder);
        static byte[] Pixels(int count) => [.. Enumerable.Range(0, count * 784).Select(i => (byte)((i * 37) % 251))];
        IdxFile.Write(Path.Combine(folder, "train-images-idx3-ubyte.gz"), IdxArray.FromBytes(Pixels(16), 16, 28, 28));
        IdxFile.Write(Path.Combine(folder, "train-labels-idx1-ubyte.gz"), IdxArray.FromBytes([.. Enumerable.Range(0, 16).Select(i => (byte)((i + labelShift) % 10))], 16));
        IdxFile.Write(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), IdxArray.FromBytes(Pixels(6), 6, 28, 28));
        IdxFile.Write(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), IdxArray.FromBytes([.. Enumerable.Range(0, 6).Select(i => (byte)(i % 10))], 6));
        return folder;
    }
}
