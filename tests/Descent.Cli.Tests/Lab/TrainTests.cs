using System.Text.Json;
using Descent.Checkpoints;

namespace Descent.Cli.Tests.Lab;

public class TrainTests
{
    private static readonly string[] Small = ["--hidden", "24,16", "--batch-size", "32", "--dropout", "0.1", "--schedule", "StepLR(step_size=7, gamma=0.5)"];

    [Theory]
    [InlineData("adam:lr=0.003", "float")]
    [InlineData("SGD:lr=0.05,momentum=0.9,nesterov=true", "double")]
    [InlineData("muon:lr=0.02,rest=adamw(lr=0.003,weight_decay=0)", "float")]
    [InlineData("schedule-free-adamw:lr=0.003,warmup_steps=5", "double")]
    [InlineData("prodigy:weight_decay=0.01", "float")]
    public void StraightRun_EqualsInterruptedAndResumedRun_LossesAndWeights(string optimizer, string precision)
    {
        string straight = LabConsole.TempFolder(), split = LabConsole.TempFolder();
        string[] common = [.. Small, "-o", optimizer, "--precision", precision];
        var (code, output) = LabConsole.Run(["train", .. common, "--iterations", "30", "--checkpoint-every", "0", "--out", straight]);
        Assert.True(code == 0, output);
        (code, output) = LabConsole.Run(["train", .. common, "--iterations", "12", "--checkpoint-every", "5", "--out", split]);
        Assert.True(code == 0, output);
        (code, output) = LabConsole.Run("train", "--resume", split, "--iterations", "30");
        Assert.True(code == 0, output);
        Assert.Contains("Resuming", output, StringComparison.Ordinal);

        Assert.Equal(Losses(straight), Losses(split));
        var a = SafeTensors.Read(Path.Combine(straight, "checkpoint.safetensors"));
        var b = SafeTensors.Read(Path.Combine(split, "checkpoint.safetensors"));
        Assert.Equal("30", a.Metadata["step"]);
        Assert.Equal("30", b.Metadata["step"]);
        var model = a.Tensors.Where(t => t.Name.StartsWith("model.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(model);
        foreach (var tensor in a.Tensors)
        {
            var other = b.Tensors.Single(t => t.Name == tensor.Name);
            Assert.True(tensor.Data.AsSpan().SequenceEqual(other.Data), $"{tensor.Name} differs after resume");
        }
    }

    [Fact]
    public void Resume_WithAnArchitectureOption_IsAUsageError()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run(["train", .. Small, "--iterations", "3", "--out", folder]);
        Assert.True(code == 0, output);
        (code, output) = LabConsole.Run("train", "--resume", folder, "--hidden", "10");
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("--hidden", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_FromAMissingCheckpoint_IsAUsageError()
    {
        var (code, output) = LabConsole.Run("train", "--resume", LabConsole.TempFolder());
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("checkpoint.safetensors", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_FromACorruptCheckpoint_IsARunFailure()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run(["train", .. Small, "--iterations", "3", "--out", folder]);
        Assert.True(code == 0, output);
        string file = Path.Combine(folder, "checkpoint.safetensors");
        byte[] bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
        (code, output) = LabConsole.Run("train", "--resume", folder, "--iterations", "6");
        Assert.Equal(Program.RunFailure, code);
        Assert.Contains("checkpoint.safetensors", output, StringComparison.Ordinal);
    }

    private static double[] Losses(string folder)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        return [.. json.RootElement.GetProperty("Mnist").GetProperty("Runs")[0].GetProperty("Loss").EnumerateArray().Select(e => e.GetDouble())];
    }
}
