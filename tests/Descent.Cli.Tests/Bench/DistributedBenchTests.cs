using System.Text.Json;
using Descent.Testing;

namespace Descent.Cli.Tests.Bench;

public class DistributedBenchTests
{
    [Fact]
    public void UnderMpiexec_RankZeroPrintsOneJsonObject_WithAllReduceSizesAndStepsForOneAndTwoRanks()
    {
        var job = MpiJob.Run("Descent.Cli.dll", 2, _ => ["bench", "--distributed", "--tiny-sizes", "--json"]);
        Assert.True(job.ExitCode == 0, $"exit {job.ExitCode}:\n{job.Output}");

        // Only rank 0 reports: exactly one JSON object in the output, between the progress lines.
        int start = job.Output.IndexOf('{', StringComparison.Ordinal);
        int end = job.Output.LastIndexOf('}');
        Assert.True(start >= 0 && end > start, job.Output);
        Assert.Equal(1, job.Output.Split("\"all_reduce\"").Length - 1);
        using var doc = JsonDocument.Parse(job.Output[start..(end + 1)]);
        var root = doc.RootElement;
        Assert.Equal(2, root.GetProperty("ranks").GetInt32());
        Assert.Contains("MPICH", root.GetProperty("mpi_library").GetString(), StringComparison.Ordinal);
        var sizes = root.GetProperty("all_reduce").EnumerateArray().ToArray();
        Assert.Contains(sizes, r => r.GetProperty("floats").GetInt64() == 109_810);
        foreach (var r in sizes)
        {
            Assert.True(r.GetProperty("ms").GetDouble() > 0);
            Assert.True(r.GetProperty("algorithm_gbps").GetDouble() > 0);

            // Two ranks: the bus bandwidth (2(N−1)/N × buffer bandwidth) equals the buffer bandwidth.
            Assert.Equal(r.GetProperty("algorithm_gbps").GetDouble(), r.GetProperty("bus_gbps").GetDouble(), 12);
        }

        var steps = root.GetProperty("step").EnumerateArray().ToArray();
        Assert.Equal([1, 2], steps.Select(s => s.GetProperty("ranks").GetInt32()));
        Assert.All(steps, s => Assert.True(s.GetProperty("ms").GetDouble() > 0));
        Directory.Delete(job.Folder, recursive: true);
    }

    [Fact]
    public void WithoutMpiexec_IsAUsageErrorSayingHowToLaunchIt()
    {
        var (code, output) = LabConsole.Run("bench", "--distributed", "--tiny-sizes");
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("mpiexec -n 2 descent bench --distributed", output, StringComparison.Ordinal);
    }
}
