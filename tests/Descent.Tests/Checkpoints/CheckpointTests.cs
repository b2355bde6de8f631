using System.Buffers.Binary;
using System.Text;
using Descent.Checkpoints;
using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Randomness;

namespace Descent.Tests.Checkpoints;

public sealed class CheckpointTests : IDisposable
{
    private const int Batch = 8;
    private readonly string _folder = Directory.CreateTempSubdirectory("descent-checkpoint-").FullName;
    private readonly float[] _x = [.. Enumerable.Range(0, Batch * 6).Select(i => MathF.Sin(i * 0.7f))];
    private readonly int[] _labels = [0, 1, 2, 0, 1, 2, 0, 1];

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static MultiLayerNetExtend<float> NewNet(long seed, int hidden = 5) =>
        new(6, [hidden, hidden], 3, useBatchNorm: true, useDropout: true, dropoutRatio: 0.2, weightDecay: 0.01, random: new SeededRandom(seed));

    private static Sgd<float> NewSgd(Network<float> net) => new(net.Parameters, new SgdOptions { LearningRate = 0.05, Momentum = 0.9, Nesterov = true });

    private List<float> Train(Network<float> net, IOptimizer optimizer, int steps)
    {
        var losses = new List<float>();
        for (int i = 0; i < steps; i++)
        {
            losses.Add(net.ComputeGradients(_x, Batch, _labels));
            optimizer.Step();
        }

        return losses;
    }

    private string PathOf(string name) => Path.Combine(_folder, name);

    [Theory]
    [InlineData("SGD:lr=0.05,momentum=0.9,nesterov=true")]
    [InlineData("Adam:lr=0.01,amsgrad=true")]
    [InlineData("NAdam:lr=0.01")]
    public void SaveLoadContinue_IsBitIdenticalToAStraightRun(string optimizer)
    {
        IOptimizer<float> NewSgd(Network<float> net) => OptimizerCatalog.Create(optimizer, net.Parameters);
        var straight = NewNet(1);
        var straightSgd = NewSgd(straight);
        var expected = Train(straight, straightSgd, 10);

        var first = NewNet(1);
        var firstSgd = NewSgd(first);
        Train(first, firstSgd, 4);
        var info = new CheckpointInfo
        {
            Step = 4,
            Settings = new Dictionary<string, string> { ["optimizer"] = "SGD", ["seed"] = "1" },
        };
        Checkpoint.Save(PathOf("run.safetensors"), first, firstSgd, first.Random, info);

        var resumed = NewNet(99);
        var resumedSgd = NewSgd(resumed);
        resumedSgd.ParameterGroups[0].LearningRate = 0.5;
        var loaded = Checkpoint.Load(PathOf("run.safetensors"), resumed, resumedSgd, resumed.Random);
        var rest = Train(resumed, resumedSgd, 6);

        Assert.Equal(4, loaded.Step);
        Assert.Equal("SGD", loaded.Settings["optimizer"]);
        Assert.Equal(straightSgd.ParameterGroups[0].LearningRate, resumedSgd.ParameterGroups[0].LearningRate);
        Assert.Equal(expected.Skip(4).Select(BitConverter.SingleToInt32Bits), rest.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(straight.Storage.Values, resumed.Storage.Values);
        Assert.Equal(straight.Buffers.SelectMany(b => b.Values), resumed.Buffers.SelectMany(b => b.Values));
        Assert.Equal(straight.Counters.SelectMany(c => c.Values), resumed.Counters.SelectMany(c => c.Values));
        Assert.Equal(straight.Random.SaveState(), resumed.Random.SaveState());
    }

    [Fact]
    public void File_FollowsTheSafetensorsLayout()
    {
        var net = NewNet(1);
        var sgd = NewSgd(net);
        Train(net, sgd, 1);
        Checkpoint.Save(PathOf("a.safetensors"), net, sgd, net.Random, new CheckpointInfo { Step = 1 });
        byte[] bytes = File.ReadAllBytes(PathOf("a.safetensors"));
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, (8 + n) % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.StartsWith("{\"__metadata__\":{", header, StringComparison.Ordinal);
        Assert.Matches("^[^ ]*} *$", header);
        var content = SafeTensors.Parse(bytes);
        var w1 = content.Tensors.Single(t => t.Name == "model.W1");
        Assert.Equal(SafeTensorType.F32, w1.Type);
        Assert.Equal([6L, 5L], w1.Shape);
        Assert.Equal(net.Parameters[0].Value.ToArray(), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(w1.Data).ToArray());
        Assert.Equal(SafeTensorType.I64, content.Tensors.Single(t => t.Name == "model.num_batches_tracked1").Type);
        Assert.Contains(content.Tensors, t => t.Name == "optimizer.W1.momentum_buffer");
        Assert.Equal(Checkpoint.Format, content.Metadata["format"]);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public void Parse_AcceptsAFileWrittenAsThePythonLibraryWritesIt()
    {
        string header = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[16,24]}}";
        header = header.PadRight((header.Length + 7) / 8 * 8);
        var bytes = new List<byte>();
        bytes.AddRange(BitConverter.GetBytes((ulong)header.Length));
        bytes.AddRange(Encoding.UTF8.GetBytes(header));
        bytes.AddRange(BitConverter.GetBytes(1.5));
        bytes.AddRange(BitConverter.GetBytes(-2.0));
        bytes.AddRange(BitConverter.GetBytes(7L));
        var content = SafeTensors.Parse(bytes.ToArray());
        Assert.Equal("pt", content.Metadata["format"]);
        Assert.Equal(-2.0, BitConverter.ToDouble(content.Tensors.Single(t => t.Name == "a").Data, 8));
        Assert.Empty(content.Tensors.Single(t => t.Name == "b").Shape);
    }

    public static TheoryData<int, string> Truncations => new()
    {
        { 3, "fewer than the 8-byte header length" },
        { 40, "the header needs" },
        { -1, "Truncated: the tensors need" },
    };

    [Theory]
    [MemberData(nameof(Truncations))]
    public void TruncatedFile_IsAClearError_AndChangesNothing(int length, string message)
    {
        var (net, sgd, path) = SavedRun();
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(length >= 0 ? length : bytes.Length - 5)]);
        AssertRejectedWithoutChange(path, message);
        GC.KeepAlive((net, sgd));
    }

    [Theory]
    [InlineData(8, (byte)'[', "does not start with '{'")]
    [InlineData(20, (byte)'\u0001', "not valid UTF-8 JSON")]
    public void CorruptHeader_IsAClearError_AndChangesNothing(int at, byte value, string message)
    {
        var (_, _, path) = SavedRun();
        byte[] bytes = File.ReadAllBytes(path);
        bytes[at] = value;
        File.WriteAllBytes(path, bytes);
        AssertRejectedWithoutChange(path, message);
    }

    [Fact]
    public void HugeHeaderLength_IsAClearError()
    {
        var (_, _, path) = SavedRun();
        byte[] bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        File.WriteAllBytes(path, bytes);
        AssertRejectedWithoutChange(path, "length field says");
    }

    [Fact]
    public void WrongShapes_NameTheTensor_AndChangeNothing()
    {
        var (_, _, path) = SavedRun();
        AssertRejectedWithoutChange(path, "tensor 'model.W1' is F32 [6, 5]; the network's is F32 [6, 4]", hidden: 4);
    }

    [Fact]
    public void WrongNames_AreListed()
    {
        var (_, _, path) = SavedRun();
        var other = new MultiLayerNet<float>(6, [5, 5], 3, random: new SeededRandom(1));
        var before = other.Storage.Values.ToArray();
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, other, NewSgd(other), other.Random));
        Assert.Contains("the checkpoint's network does not match: missing [], unexpected [", error.Message, StringComparison.Ordinal);
        Assert.Contains("gamma1", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, other.Storage.Values);
    }

    [Fact]
    public void OtherOptimizer_IsRejected_AndNothingChanges()
    {
        var (_, _, path) = SavedRun();
        var net = NewNet(5);
        var sgd = new Sgd<float>(net.Parameters.Take(4), new SgdOptions { LearningRate = 0.05, Momentum = 0.9 });
        sgd.AddGroup(net.Parameters.Skip(4));
        var before = net.Storage.Values.ToArray();
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, net, sgd, net.Random));
        Assert.Contains("optimizer state does not fit", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, net.Storage.Values);
        Assert.Empty(sgd.SaveState().Parameters.Values.SelectMany(p => p.Buffers));
    }

    [Fact]
    public void DoubleCheckpoint_IntoFloatNetwork_IsRejected()
    {
        var net = new MultiLayerNet<double>(6, [5], 3);
        string path = PathOf("d.safetensors");
        Checkpoint.Save(path, net, null, null, new CheckpointInfo());
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, new MultiLayerNet<float>(6, [5], 3), null, null));
        Assert.Contains("holds F64 tensors; the network is F32", error.Message, StringComparison.Ordinal);
    }

    private (MultiLayerNetExtend<float> Net, Sgd<float> Sgd, string Path) SavedRun()
    {
        var net = NewNet(1);
        var sgd = NewSgd(net);
        Train(net, sgd, 2);
        string path = PathOf("saved.safetensors");
        Checkpoint.Save(path, net, sgd, net.Random, new CheckpointInfo { Step = 2 });
        return (net, sgd, path);
    }

    private void AssertRejectedWithoutChange(string path, string message, int hidden = 5)
    {
        var net = NewNet(7, hidden);
        var sgd = NewSgd(net);
        Train(net, sgd, 1);
        var values = net.Storage.Values.ToArray();
        var buffers = net.Buffers.SelectMany(b => b.Values).ToArray();
        var momentum = sgd.SaveState().Parameters["W1"].Buffers["momentum_buffer"];
        var random = net.Random.SaveState();
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, net, sgd, net.Random));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(values, net.Storage.Values);
        Assert.Equal(buffers, net.Buffers.SelectMany(b => b.Values));
        Assert.Equal(momentum, sgd.SaveState().Parameters["W1"].Buffers["momentum_buffer"]);
        Assert.Equal(random, net.Random.SaveState());
    }
}
