using System.Buffers.Binary;
using System.Text;
using Descent.Checkpoints;
using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Randomness;

namespace Descent.Tests.Checkpoints;

/// <summary>
/// A checkpoint is refused when any byte of it changed (the SHA-256 in its metadata) and, even when re-sealed
/// after a hand edit, when any field is wrong: each refusal names the file and the field, and the network,
/// optimizer and generator are left exactly as they were.
/// </summary>
public sealed class CheckpointIntegrityTests : IDisposable
{
    private const int Batch = 4;
    private readonly string _folder = Directory.CreateTempSubdirectory("descent-integrity-").FullName;
    private readonly float[] _x = [.. Enumerable.Range(0, Batch * 3).Select(i => MathF.Cos(i * 0.9f))];
    private readonly int[] _labels = [0, 1, 0, 1];

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void EveryByteFlipped_IsRefused_AndNothingChanges()
    {
        string path = Saved(out byte[] original);
        var (net, adam, random) = Target();
        var before = State(net, adam, random);
        for (int at = 0; at < original.Length; at++)
        {
            foreach (byte mask in (byte[])[0x01, 0x80])
            {
                byte[] bytes = (byte[])original.Clone();
                bytes[at] ^= mask;
                File.WriteAllBytes(path, bytes);
                var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, net, adam, random));
                Assert.Contains(path, error.Message, StringComparison.Ordinal);
            }
        }

        Assert.Equal(before, State(net, adam, random));
    }

    [Fact]
    public void UntouchedFile_Loads_AndStaysPlainSafetensors()
    {
        string path = Saved(out byte[] original);
        var content = SafeTensors.Parse(original);
        Assert.Equal(64, content.Metadata[Checkpoint.DigestKey].Length);
        var (net, adam, random) = Target();
        Assert.Equal(3, Checkpoint.Load(path, net, adam, random).Step);
    }

    public static TheoryData<string, string> HeaderEdits => new()
    {
        // A byte that is not UTF-8 inside the settings (the label would read back as U+FFFD and be saved so).
        { "invalid-utf8", "not valid UTF-8" },
        { "duplicate-metadata", "metadata 'step' appears more than once" },
        { "duplicate-tensor", "'model.W1' appears more than once" },
        { "empty-tensor-name", "empty name" },
    };

    [Theory]
    [MemberData(nameof(HeaderEdits))]
    public void HandEditedHeader_IsRefused_NamingTheField(string edit, string message)
    {
        Saved(out byte[] original);
        byte[] edited = edit switch
        {
            "invalid-utf8" => EditHeader(original, h => h.Replace("adam-run", "adam\u00e9run", StringComparison.Ordinal), breakUtf8: "\u00e9"),
            "duplicate-metadata" => EditHeader(original, h => h.Replace("\"__metadata__\":{", "\"__metadata__\":{\"step\":\"1\",", StringComparison.Ordinal)),
            "duplicate-tensor" => EditHeader(original, h => h.Replace("\"model.W1\":", "\"model.W1\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"model.W1\":", StringComparison.Ordinal)),
            _ => EditHeader(original, h => h.Replace("\"model.W1\":", "\"\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"model.W1\":", StringComparison.Ordinal)),
        };
        AssertRefused(edited, message);
    }

    public static TheoryData<string, string> FieldEdits => new()
    {
        { "negative-step", "metadata 'step' is '-5'" },
        { "step-behind-optimizer", "the optimizer state has taken 3 steps" },
        { "extra-tensor", "tensor 'extra' belongs to nothing" },
        { "nan-weight", "tensor 'model.W1' element 2 is NaN" },
        { "infinite-weight", "tensor 'model.b2' element 0 is Infinity" },
        { "nan-moment", "'W1', state 'exp_avg': element 1 is NaN" },
        { "losses-count", "tensor 'run.losses' is F64 [2]" },
        { "bad-seconds", "metadata 'seconds' is '-1'" },
    };

    [Theory]
    [MemberData(nameof(FieldEdits))]
    public void ResealedFieldEdit_IsRefused_NamingFileAndField(string edit, string message)
    {
        Saved(out byte[] original);
        var content = SafeTensors.Parse(original);
        var tensors = content.Tensors.ToList();
        var metadata = new Dictionary<string, string>(content.Metadata, StringComparer.Ordinal);
        void Replace(string name, Func<byte[], byte[]> change)
        {
            int i = tensors.FindIndex(t => t.Name == name);
            tensors[i] = tensors[i] with { Data = change((byte[])tensors[i].Data.Clone()) };
        }

        switch (edit)
        {
            case "negative-step": metadata["step"] = "-5"; break;
            case "step-behind-optimizer": metadata["step"] = "2"; tensors.RemoveAll(t => t.Name == Checkpoint.LossesTensor); break;
            case "extra-tensor": tensors.Add(new SafeTensor("extra", SafeTensorType.F32, [1], new byte[4])); break;
            case "nan-weight": Replace("model.W1", d => Float(d, 2, float.NaN)); break;
            case "infinite-weight": Replace("model.b2", d => Float(d, 0, float.PositiveInfinity)); break;
            case "nan-moment": Replace("optimizer.W1.exp_avg", d => Float(d, 1, float.NaN)); break;
            case "losses-count":
                int at = tensors.FindIndex(t => t.Name == Checkpoint.LossesTensor);
                tensors[at] = new SafeTensor(Checkpoint.LossesTensor, SafeTensorType.F64, [2], tensors[at].Data[..16]);
                break;
            default: metadata["seconds"] = "-1"; break;
        }

        byte[] file = SafeTensors.Serialize(new SafeTensorsContent(tensors, metadata));
        Checkpoint.Seal(file);
        AssertRefused(file, message);
    }

    private static byte[] Float(byte[] data, int index, float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(index * 4), value);
        return data;
    }

    /// <summary>Rewrites the JSON header (length field and padding follow) and re-seals, so only the edit is wrong.</summary>
    private static byte[] EditHeader(byte[] file, Func<string, string> edit, string? breakUtf8 = null)
    {
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        string header = Encoding.UTF8.GetString(file, 8, n).TrimEnd(' ');
        byte[] json = Encoding.UTF8.GetBytes(edit(header));
        if (breakUtf8 is not null)
        {
            // Keep the first byte of the two-byte sequence only: a lone lead byte is not UTF-8.
            byte[] sequence = Encoding.UTF8.GetBytes(breakUtf8);
            int at = json.AsSpan().IndexOf(sequence);
            json = [.. json[..(at + 1)], (byte)'x', .. json[(at + sequence.Length)..]];
        }

        int padded = (json.Length + 7) / 8 * 8;
        byte[] result = new byte[8 + padded + (file.Length - 8 - n)];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        json.CopyTo(result, 8);
        result.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        file.AsSpan(8 + n).CopyTo(result.AsSpan(8 + padded));
        if (breakUtf8 is null)
        {
            Checkpoint.Seal(result);
        }

        return result;
    }

    private void AssertRefused(byte[] file, string message)
    {
        string path = Path.Combine(_folder, "edited.safetensors");
        File.WriteAllBytes(path, file);
        var (net, adam, random) = Target();
        var before = State(net, adam, random);
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, net, adam, random));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, State(net, adam, random));
    }

    private string Saved(out byte[] bytes)
    {
        var net = new MultiLayerNet<float>(3, [4], 2, random: new SeededRandom(1));
        var adam = new Adam<float>(net.Parameters, new AdamOptions { LearningRate = 0.01 });
        var losses = new List<double>();
        for (int i = 0; i < 3; i++)
        {
            losses.Add(net.ComputeGradients(_x, Batch, _labels));
            adam.Step();
        }

        string path = Path.Combine(_folder, "saved.safetensors");
        var info = new CheckpointInfo { Step = 3, Settings = new Dictionary<string, string> { ["label"] = "adam-run" }, Losses = losses, Seconds = 1.5 };
        Checkpoint.Save(path, net, adam, net.Random, info);
        bytes = File.ReadAllBytes(path);
        return path;
    }

    private (MultiLayerNet<float> Net, Adam<float> Adam, IRandomSource Random) Target()
    {
        var net = new MultiLayerNet<float>(3, [4], 2, random: new SeededRandom(9));
        var adam = new Adam<float>(net.Parameters, new AdamOptions { LearningRate = 0.02 });
        net.ComputeGradients(_x, Batch, _labels);
        adam.Step();
        return (net, adam, net.Random);
    }

    private static string State(Network<float> net, Adam<float> adam, IRandomSource random)
    {
        var optimizer = adam.SaveState();
        return string.Join(
            "|",
            string.Join(",", net.Storage.Values.ToArray()),
            string.Join(",", optimizer.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).SelectMany(p => p.Value.Buffers.OrderBy(b => b.Key, StringComparer.Ordinal).SelectMany(b => b.Value)).Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))),
            adam.Groups[0].LearningRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
            adam.Groups[0].StepCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToHexString(random.SaveState()));
    }
}
