using System.IO.Compression;
using Descent.Cli.Lab;
using Descent.Testing;

namespace Descent.Cli.Tests.Lab;

public class ReproduceBookTests
{
    private static LabData LoadShared()
    {
        static byte[] Read(string name, int skip)
        {
            using var gz = new GZipStream(File.OpenRead(Path.Combine(Goldens.SharedRoot, "data", "mnist", name)), CompressionMode.Decompress);
            using var copy = new MemoryStream();
            gz.CopyTo(copy);
            return copy.ToArray()[skip..];
        }

        return new LabData(
            "test",
            Read("mnist10k-images-idx3-ubyte.gz", 16),
            [.. Read("mnist10k-labels-idx1-ubyte.gz", 8).Select(b => (int)b)],
            Read("t10k-images-idx3-ubyte.gz", 16),
            [.. Read("t10k-labels-idx1-ubyte.gz", 8).Select(b => (int)b)],
            784);
    }

    [Fact]
    public void Sgd_Prefix_MatchesTheBooksLossCurve()
    {
        const int iterations = 60;
        using var golden = Goldens.Load("book/mnist_compare_losses.json");
        var data = LoadShared();
        var settings = new MnistSettings { Iterations = iterations, BookLoss = true, FlushDenormals = false, Parallelism = 1 };
        var specs = Enumerable.Repeat(MnistExperiment.BookOptimizers[0], 4).ToList();
        var record = MnistExperiment.Run<double>(data, settings, specs, work => work[0].Work(new NoProgress()));
        double[] expected = [.. golden.RootElement.GetProperty("loss").GetProperty("SGD").EnumerateArray().Take(iterations).Select(e => e.GetDouble())];
        double worst = 0;
        for (int i = 0; i < iterations; i++)
        {
            worst = Math.Max(worst, Math.Abs(record.Runs[0].Loss[i] - expected[i]) / Math.Abs(expected[i]));
        }

        Assert.True(worst <= 1e-9, $"largest relative error {worst:E3}");
    }

    private sealed class NoProgress : IProgressReporter
    {
        public void Report(long done, double loss)
        {
        }
    }
}
