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
        string folder = Path.Combine(Path.GetTempPath(), $"descent-bench-{Guid.NewGuid():N}");
        var (code, output, error) = Run("bench", "--json", "--tiny-sizes", "--out", folder);
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

        Assert.Equal(JsonValueKind.Array, root.GetProperty("warnings").ValueKind);
        var optimizers = root.GetProperty("optimizers").EnumerateArray().ToArray();
        Assert.Equal(OptimizerCatalog.All.Select(o => o.Name), optimizers.Select(o => o.GetProperty("name").GetString()));
        foreach (var o in optimizers)
        {
            Assert.Equal(64 * 80, o.GetProperty("params").GetInt64());
            Assert.True(o.GetProperty("ms").GetDouble() > 0);
            // gbps is what the method's passes move; the one-pass fraction scales it by the one-pass share of those bytes.
            double gbps = o.GetProperty("gbps").GetDouble();
            double triad = machine.GetProperty("triad_gbps").GetDouble();
            double share = o.GetProperty("bytes_per_param").GetDouble() / o.GetProperty("pass_bytes_per_param").GetDouble();
            Assert.Equal(gbps / triad, o.GetProperty("fraction_of_pass_bound").GetDouble(), 12);
            Assert.Equal(gbps * share / triad, o.GetProperty("fraction_of_bandwidth").GetDouble(), 12);
            Assert.True(share <= 1, o.GetProperty("name").GetString());
        }

        // Bytes per parameter follow from the state each optimizer keeps: SGD 12, Adam 28.
        Assert.Equal(12, optimizers.Single(o => o.GetProperty("name").GetString() == "SGD").GetProperty("bytes_per_param").GetDouble());
        Assert.Equal(28, optimizers.Single(o => o.GetProperty("name").GetString() == "Adam").GetProperty("bytes_per_param").GetDouble());

        // Multi-pass methods report their passes and the bytes those passes move (Prodigy 13 elements, LAMB 10,
        // Adafactor 5 over three passes) beside the one-pass bound (Prodigy keeps θ₀, m, v, s: 3 + 2·4 = 11 elements).
        var prodigy = optimizers.Single(o => o.GetProperty("name").GetString() == "Prodigy");
        Assert.Equal((2, 52.0, 44.0), (prodigy.GetProperty("passes").GetInt32(), prodigy.GetProperty("pass_bytes_per_param").GetDouble(), prodigy.GetProperty("bytes_per_param").GetDouble()));
        var lamb = optimizers.Single(o => o.GetProperty("name").GetString() == "Lamb");
        Assert.Equal((2, 40.0, 28.0), (lamb.GetProperty("passes").GetInt32(), lamb.GetProperty("pass_bytes_per_param").GetDouble(), lamb.GetProperty("bytes_per_param").GetDouble()));
        var adafactor = optimizers.Single(o => o.GetProperty("name").GetString() == "Adafactor");
        Assert.Equal((3, 20.0), (adafactor.GetProperty("passes").GetInt32(), adafactor.GetProperty("pass_bytes_per_param").GetDouble()));
        var adan = optimizers.Single(o => o.GetProperty("name").GetString() == "Adan");
        Assert.Equal(1, adan.GetProperty("passes").GetInt32());
        Assert.Equal(adan.GetProperty("bytes_per_param").GetDouble(), adan.GetProperty("pass_bytes_per_param").GetDouble());

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

            // Forward and ∂W of every layer, ∂X of all but the first: 2·128·(2·784·100 + 3·3·100·100 + 3·100·10).
            Assert.Equal(63.9488, t.GetProperty("necessary_mflop").GetDouble(), 9);
            Assert.Equal(63.9488 / t.GetProperty("ms").GetDouble(), t.GetProperty("gflops").GetDouble(), 9);   // MFLOP per ms = GFLOP/s
            Assert.Equal(t.GetProperty("gflops").GetDouble() / machine.GetProperty("fma_gflops_all").GetDouble(), t.GetProperty("fraction_of_peak").GetDouble(), 12);
        });

        // The cost curves: SGD and Adam at each scaling size, the network at each batch.
        var scaling = root.GetProperty("scaling");
        var steps = scaling.GetProperty("optimizer").EnumerateArray().ToArray();
        Assert.Equal(
            [("SGD", 1000L), ("Adam", 1000L), ("SGD", 3000L), ("Adam", 3000L)],
            steps.Select(p => (p.GetProperty("name").GetString(), p.GetProperty("params").GetInt64())));
        Assert.All(steps, p => Assert.True(p.GetProperty("gbps").GetDouble() > 0 && p.GetProperty("ns_per_param").GetDouble() > 0));
        Assert.Equal(16 * 3000L, steps.Single(p => p.GetProperty("name").GetString() == "Adam" && p.GetProperty("params").GetInt64() == 3000).GetProperty("working_set_bytes").GetInt64());
        var batches = scaling.GetProperty("train_step").EnumerateArray().ToArray();
        Assert.Equal([16, 32], batches.Select(p => p.GetProperty("batch").GetInt32()));
        Assert.All(batches, p => Assert.True(p.GetProperty("gflops").GetDouble() > 0));

        // --out: the same object on disk, the figure, and a report that inlines it.
        Assert.Equal(root.GetProperty("date").GetString(), JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "bench.json"))).RootElement.GetProperty("date").GetString());
        Assert.True(new FileInfo(Path.Combine(folder, "scaling.png")).Length > 1000);
        string html = File.ReadAllText(Path.Combine(folder, "report.html"));
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("FMA peak", html, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);

        // descent compare ran for real, as a child process (3 iterations in the test sizes), and its phases add up
        // to no more than its whole.
        double compareSeconds = root.GetProperty("compare_seconds").GetDouble();
        Assert.Equal(3, root.GetProperty("compare_iterations").GetInt32());
        var breakdown = root.GetProperty("compare_breakdown");
        string[] phases = ["startup_ms", "two_d_ms", "train_ms", "save_ms", "plots_ms", "report_ms"];
        Assert.All(phases, key => Assert.True(breakdown.GetProperty(key).GetDouble() >= 0, key));
        Assert.True(breakdown.GetProperty("startup_ms").GetDouble() > 0 && breakdown.GetProperty("train_ms").GetDouble() > 0 && breakdown.GetProperty("plots_ms").GetDouble() > 0);
        Assert.InRange(phases.Sum(key => breakdown.GetProperty(key).GetDouble()), 0, (compareSeconds * 1e3) + phases.Length);   // each phase rounded to 1 ms
        Assert.InRange(breakdown.GetProperty("rss_mb").GetDouble(), 10, 100_000);
    }

    [Fact]
    public void RatesAboveTheirMeasuredLimits_AreReportedAsADisturbedProbe()
    {
        var report = new Descent.Cli.Bench.BenchReport { Machine = new Descent.Cli.Bench.MachineReport { TriadGbps = 40, FmaGflopsAll = 200, FmaGflops1T = 100 } };
        report.Optimizers.Add(new Descent.Cli.Bench.OptimizerReport { Name = "Adam", Gbps = 36, FractionOfBandwidth = 0.9, FractionOfPassBound = 0.9 });
        report.Gemm.Add(new Descent.Cli.Bench.GemmReport { Label = "1024³", FractionOfPeak = 0.8 });
        Assert.Empty(Descent.Cli.Bench.BenchRunner.Disturbed(report));

        report.Optimizers.Add(new Descent.Cli.Bench.OptimizerReport { Name = "SGD", Gbps = 52, FractionOfBandwidth = 1.3, FractionOfPassBound = 1.3 });
        report.Gemm.Add(new Descent.Cli.Bench.GemmReport { Label = "book forward 784→100", FractionOfPeak = 1.1 });
        var warnings = Descent.Cli.Bench.BenchRunner.Disturbed(report).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains("SGD reached 52.0", warnings[0], StringComparison.Ordinal);
        Assert.Contains("triad probe was disturbed", warnings[0], StringComparison.Ordinal);
        Assert.StartsWith("book forward 784→100 ran above the FMA peak", warnings[1], StringComparison.Ordinal);
    }

    [Fact]
    public void UnwritableOutFolder_IsAUsageError_BeforeMeasuring()
    {
        string file = Path.GetTempFileName();   // a file where a folder is wanted
        var (code, text) = LabConsole.Run("bench", "--tiny-sizes", "--out", Path.Combine(file, "sub"));
        File.Delete(file);
        Assert.Equal(Program.UsageError, code);
        Assert.StartsWith("error: --out ", text, StringComparison.Ordinal);
        Assert.Contains("cannot write there", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
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
        Assert.Contains("descent compare end to end (3 iterations × 4 optimizers)", output, StringComparison.Ordinal);
        Assert.Contains("peak memory", output, StringComparison.Ordinal);
        Assert.Equal(before, Denormals.FlushToZero);
    }
}
