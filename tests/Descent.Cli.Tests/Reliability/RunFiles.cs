using System.Security.Cryptography;
using System.Text.Json;
using Descent.Checkpoints;

namespace Descent.Cli.Tests.Reliability;

/// <summary>What a run folder holds, for comparing runs bit for bit and proving a refused command changed nothing.</summary>
internal static class RunFiles
{
    /// <summary>Every file under the folder (relative path) with the SHA-256 of its content.</summary>
    public static Dictionary<string, string> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))), StringComparer.Ordinal);

    /// <summary>The recorded losses, the test accuracy, and every tensor of the checkpoint.</summary>
    public static (double[] Losses, double? Accuracy, Dictionary<string, byte[]> Tensors) Result(string folder)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json")));
        var run = json.RootElement.GetProperty("Mnist").GetProperty("Runs")[0];
        double[] losses = [.. run.GetProperty("Loss").EnumerateArray().Select(e => e.GetDouble())];
        double? accuracy = run.TryGetProperty("TestAccuracy", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetDouble() : null;
        var tensors = SafeTensors.Read(Path.Combine(folder, "checkpoint.safetensors")).Tensors.ToDictionary(t => t.Name, t => t.Data, StringComparer.Ordinal);
        return (losses, accuracy, tensors);
    }

    /// <summary>Asserts two finished runs are bit-identical: curve, accuracy, weights, optimizer and generator state.</summary>
    public static void AssertSameRun(string expected, string actual, string what)
    {
        var (l1, a1, t1) = Result(expected);
        var (l2, a2, t2) = Result(actual);
        Assert.True(l1.Length == l2.Length, $"{what}: {l2.Length} losses, expected {l1.Length}.");
        Assert.True(l1.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(l2.Select(BitConverter.DoubleToInt64Bits)), $"{what}: the loss curves differ.");
        Assert.True(a1 == a2, $"{what}: test accuracy {a2}, expected {a1}.");
        Assert.Equal(t1.Keys.Order(StringComparer.Ordinal), t2.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, data) in t1)
        {
            Assert.True(data.AsSpan().SequenceEqual(t2[name]), $"{what}: tensor {name} differs.");
        }
    }
}
