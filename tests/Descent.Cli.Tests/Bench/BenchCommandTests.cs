using System.Text.Json;
using Descent.Numerics;
using Descent.Optimizers;

namespace Descent.Cli.Tests.Bench;

public class BenchCommandTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var config = new System.CommandLine.InvocationConfiguration { Output = output, Error = error };
        int code = Program.BuildRoot().Parse(args).Invoke(config);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Json_IsExactlyOneObject_WithTheDocumentedFields()
    {
        var (code, output, error) = Run("bench", "--json", "--tiny-sizes");
        Assert.Equal(0, code);

        // stdout holds the JSON object and nothing else; progress went to stderr.
        using var doc = JsonDocument.Parse(output);
        Assert.Contains("bench: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("bench: ", output, StringComparison.Ordinal);
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal(Denormals.IsSupported, root.GetProperty("flush_to_zero").GetBoolean());

        var machine = root.GetProperty("machine");
        foreach (string field in (string[])["triad_gbps", "fma_gflops_1t", "fma_gflops_all", "triad_gbps_1t"])
        {
            Assert.True(machine.GetProperty(field).GetDouble() > 0, field);
        }

        var optimizers = root.GetProperty("optimizers").EnumerateArray().ToArray();
        Assert.Equal(OptimizerCatalog.All.Select(o => o.Name), optimizers.Select(o => o.GetProperty("name").GetString()));
        foreach (var o in optimizers)
        {
            Assert.Equal(64 * 80, o.GetProperty("params").GetInt64());
            Assert.True(o.GetProperty("ms").GetDouble() > 0);
            double gbps = o.GetProperty("gbps").GetDouble();
            Assert.Equal(gbps / machine.GetProperty("triad_gbps").GetDouble(), o.GetProperty("fraction_of_bandwidth").GetDouble(), 12);
        }

        // Bytes per parameter follow from the state each optimizer keeps: SGD 12, Adam 28.
        Assert.Equal(12, optimizers.Single(o => o.GetProperty("name").GetString() == "SGD").GetProperty("bytes_per_param").GetDouble());
        Assert.Equal(28, optimizers.Single(o => o.GetProperty("name").GetString() == "Adam").GetProperty("bytes_per_param").GetDouble());

        // Two-pass methods report their passes and the bytes those passes move: Prodigy 13 elements, LARS 7.
        var prodigy = optimizers.Single(o => o.GetProperty("name").GetString() == "Prodigy");
        Assert.Equal((2, 52.0), (prodigy.GetProperty("passes").GetInt32(), prodigy.GetProperty("bytes_per_param").GetDouble()));
        Assert.Equal(1, optimizers.Single(o => o.GetProperty("name").GetString() == "Adan").GetProperty("passes").GetInt32());

        // Muon is timed per matrix shape against the FMA peak (its cost is the Newton–Schulz GEMMs).
        var muon = root.GetProperty("muon").EnumerateArray().ToArray();
        Assert.Equal([(64, 80), (80, 32)], muon.Select(u => (u.GetProperty("rows").GetInt32(), u.GetProperty("columns").GetInt32())));
        Assert.All(muon, u => Assert.True(u.GetProperty("gflops").GetDouble() > 0 && u.GetProperty("fraction_of_peak").GetDouble() > 0));

        var gemm = root.GetProperty("gemm").EnumerateArray().ToArray();
        Assert.Contains(gemm, g => g.GetProperty("m").GetInt32() == 48 && g.GetProperty("k").GetInt32() == 48 && g.GetProperty("n").GetInt32() == 48);
        Assert.Contains(gemm, g => g.GetProperty("m").GetInt32() == 128 && g.GetProperty("k").GetInt32() == 784 && g.GetProperty("n").GetInt32() == 100);
        Assert.All(gemm, g => Assert.True(g.GetProperty("gflops").GetDouble() > 0 && g.GetProperty("fraction_of_peak").GetDouble() > 0));

        var train = root.GetProperty("train_step").EnumerateArray().ToArray();
        Assert.Equal(["SGD", "Adam"], train.Select(t => t.GetProperty("optimizer").GetString()));
        Assert.All(train, t =>
        {
            Assert.Equal("784-100-100-100-100-10", t.GetProperty("net").GetString());
            Assert.Equal(128, t.GetProperty("batch").GetInt32());
            Assert.Equal("float32", t.GetProperty("dtype").GetString());
            Assert.True(t.GetProperty("ms").GetDouble() > 0);
        });

        // The compare part ran for real (3 iterations in the test sizes).
        Assert.True(root.GetProperty("compare_seconds").GetDouble() > 0);
        Assert.Equal(3, root.GetProperty("compare_iterations").GetInt32());
    }

    [Fact]
    public void Table_GoesToStdout_AndRestoresFlushToZero()
    {
        bool before = Denormals.FlushToZero;
        var (code, output, _) = Run("bench", "--tiny-sizes");
        Assert.Equal(0, code);
        Assert.Contains("STREAM triad", output, StringComparison.Ordinal);
        Assert.Contains("Adafactor", output, StringComparison.Ordinal);
        Assert.Contains("784-100-100-100-100-10", output, StringComparison.Ordinal);
        Assert.Contains("descent compare, MNIST part (3 iterations", output, StringComparison.Ordinal);
        Assert.Equal(before, Denormals.FlushToZero);
    }
}
