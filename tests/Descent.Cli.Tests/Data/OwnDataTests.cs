using System.Text.Json;
using Descent.Data;

namespace Descent.Cli.Tests.Data;

/// <summary>Bring your own data: CSV and .npy files train the MLP through every training command; malformed ones are usage errors naming the file and the place.</summary>
public sealed class OwnDataTests : IDisposable
{
    private static readonly string[] Quick = ["--hidden", "8", "--batch-size", "16", "--iterations", "40", "-o", "sgd:lr=0.1", "-o", "adam:lr=0.01"];

    private readonly string _dir = LabConsole.TempFolder();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string WriteNpy(string name, NpyElementType type, int[] shape, byte[] data)
    {
        string path = Path.Combine(_dir, name);
        NpyFile.Write(path, new NpyArray(type, shape, data));
        return path;
    }

    /// <summary>Two well-separated classes in three features, with text labels; the label column in the middle.</summary>
    private string SeparableCsv(string name = "two.csv", int rows = 60)
    {
        var text = new System.Text.StringBuilder("x1,kind,x2,x3\n");
        var random = new Random(3);
        for (int i = 0; i < rows; i++)
        {
            bool hot = i % 2 == 0;
            double shift = hot ? 100 : 0;
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{shift + random.NextDouble():R},{(hot ? "hot" : "cold")},{random.NextDouble() * 1000:R},{-shift + random.NextDouble():R}\n");
        }

        return Write(name, text.ToString());
    }

    private static JsonElement Run(string folder) => JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json"))).RootElement;

    [Fact]
    public void CompareData_OnACsvFile_TrainsTheMlp_SizedByTheData_AndTestsOnAHeldOutFifth()
    {
        string csv = SeparableCsv(), output = Path.Combine(_dir, "run");

        var (code, text) = LabConsole.Run(["compare-data", "--data", csv, "--label", "kind", .. Quick, "--out", output]);

        Assert.True(code == 0, text);
        Assert.Contains("3-8-2 ReLU", text, StringComparison.Ordinal);
        Assert.Contains("48 training rows, 12 held out for testing (20 %, seed 0); 3 features, standardised; 2 classes (cold, hot)", text, StringComparison.Ordinal);
        var runs = Run(output).GetProperty("Mnist").GetProperty("Runs");
        Assert.Equal(2, runs.GetArrayLength());
        foreach (var run in runs.EnumerateArray())
        {
            // Standardised, the classes differ by 200 standard deviations in x1 and x3: any optimizer separates them.
            Assert.Equal(1.0, run.GetProperty("TestAccuracy").GetDouble());
        }
    }

    [Fact]
    public void TheReadmesSampleCsv_Trains()
    {
        string sample = Path.Combine(Testing.Goldens.RepositoryRoot, "samples", "data", "seeds.csv");

        var (code, text) = LabConsole.Run(["compare-data", "--data", sample, "--label", "kind", .. Quick, "--out", Path.Combine(_dir, "sample")]);

        Assert.True(code == 0, text);
        Assert.Contains("4-8-3 ReLU", text, StringComparison.Ordinal);
        Assert.Contains("3 classes (amber, birch, cedar)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void NpyFeaturesAndLabels_WithATestSet_Train_AndTheTestSetIsUsedAsGiven()
    {
        var random = new Random(5);
        float[] Features(int rows) => [.. Enumerable.Range(0, rows * 4).Select(i => (float)random.NextDouble() + ((i / 4 % 3) * 5))];
        long[] Labels(int rows) => [.. Enumerable.Range(0, rows).Select(i => (long)(i % 3))];
        string x = WriteNpy("x_train.npy", NpyElementType.Float32, [30, 2, 2], [.. Features(30).SelectMany(BitConverter.GetBytes)]);
        string y = WriteNpy("y_train.npy", NpyElementType.Int64, [30], [.. Labels(30).SelectMany(BitConverter.GetBytes)]);
        string xt = WriteNpy("x_test.npy", NpyElementType.Float32, [9, 2, 2], [.. Features(9).SelectMany(BitConverter.GetBytes)]);
        string yt = WriteNpy("y_test.npy", NpyElementType.Int64, [9, 1], [.. Labels(9).SelectMany(BitConverter.GetBytes)]);
        string output = Path.Combine(_dir, "npy");

        var (code, text) = LabConsole.Run(["compare-mnist", "--data", x, "--labels", y, "--test-data", xt, "--test-labels", yt, .. Quick, "--out", output]);

        Assert.True(code == 0, text);
        Assert.Contains("4-8-3 ReLU", text, StringComparison.Ordinal);
        Assert.Contains($"30 training rows, 9 test rows from {xt}", text, StringComparison.Ordinal);
        Assert.Equal(2, Run(output).GetProperty("Mnist").GetProperty("Runs").GetArrayLength());
    }

    [Fact]
    public void Train_OnCsv_Checkpoints_AndResumesFromTheSameFile()
    {
        string csv = SeparableCsv(), straight = Path.Combine(_dir, "straight"), split = Path.Combine(_dir, "split");
        string[] common = ["train", "--data", csv, "--label", "kind", "--hidden", "8", "--batch-size", "8", "-o", "adam:lr=0.01"];

        var (code, text) = LabConsole.Run([.. common, "--iterations", "20", "--out", straight]);
        Assert.True(code == 0, text);
        (code, text) = LabConsole.Run([.. common, "--iterations", "8", "--out", split]);
        Assert.True(code == 0, text);
        (code, text) = LabConsole.Run("train", "--resume", split, "--iterations", "20");
        Assert.True(code == 0, text);

        static double[] Losses(string folder) => [.. Run(folder).GetProperty("Mnist").GetProperty("Runs")[0].GetProperty("Loss").EnumerateArray().Select(e => e.GetDouble())];
        Assert.Equal(Losses(straight), Losses(split));
    }

    [Fact]
    public void Tune_OnCsv_SplitsValidationFromTheTrainingRows()
    {
        string csv = SeparableCsv(rows: 80), output = Path.Combine(_dir, "tune");

        var (code, text) = LabConsole.Run("tune", "--data", csv, "--label", "kind", "--optimizers", "adam", "--budget", "60", "--iterations", "20", "--rungs", "2", "--hidden", "8", "--batch-size", "8", "--seeds", "1", "--out", output);

        Assert.True(code == 0, text);
        Assert.Contains("58 for training, 6 held out for validation", text, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> MalformedCsv => new()
    {
        { "ragged.csv", "a,b,label\n1,2,0\n3,4\n", "ragged.csv: expected 3 fields on line 3 (as in the header), but found 2 (a ragged row)." },
        { "text.csv", "a,b,label\n1,2,0\n3,four,1\n", "text.csv: expected a finite number on line 3, column 2 ('b'), but found 'four'." },
        { "nolabel.csv", "a,b,class\n1,2,0\n", "nolabel.csv: expected a label column 'label' in the header (line 1), but found the columns a, b, class." },
        { "empty.csv", string.Empty, "empty.csv: expected a header row naming the columns, but found an empty file." },
    };

    [Theory]
    [MemberData(nameof(MalformedCsv))]
    public void MalformedCsv_IsAUsageError_NamingFileLineAndExpectation_AndWritesNothing(string name, string content, string message)
    {
        string csv = Write(name, content), output = Path.Combine(_dir, "never");

        var (code, text) = LabConsole.Run(["compare-data", "--data", csv, .. Quick, "--out", output]);

        Assert.Equal(Program.UsageError, code);
        Assert.Contains("error: " + Path.Combine(_dir, message), text.ReplaceLineEndings(string.Empty), StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void MalformedNpy_IsAUsageError_NamingFileOffsetAndExpectation()
    {
        string y = WriteNpy("y.npy", NpyElementType.Int32, [4], new byte[16]);
        string fortran = Path.Combine(_dir, "f.npy");
        File.WriteAllBytes(fortran, Testing.NpyBytes.Create("<f4", "(4, 2)", new byte[32], fortran: true));
        string half = Path.Combine(_dir, "h.npy");
        File.WriteAllBytes(half, Testing.NpyBytes.Create("<f2", "(4, 2)", new byte[16]));
        string cut = Path.Combine(_dir, "cut.npy");
        File.WriteAllBytes(cut, Testing.NpyBytes.Create("<f8", "(4, 2)", new byte[60]));

        foreach (var (file, message) in new[]
        {
            (fortran, "f.npy: expected 'fortran_order': False (C order), but found 'fortran_order': True"),
            (half, "h.npy: expected 'descr' float32, float64, uint8, int32 or int64"),
            (cut, "cut.npy: expected 64 data bytes for shape (4, 2) of float64 at offset 128, but found only 60 (the file ends at offset 188: truncated)."),
        })
        {
            var (code, text) = LabConsole.Run(["compare-data", "--data", file, "--labels", y, .. Quick, "--out", Path.Combine(_dir, "never")]);
            Assert.Equal(Program.UsageError, code);
            Assert.Contains(message, text.ReplaceLineEndings(string.Empty), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(new[] { "--label", "kind" }, "--label applies to a .csv file given with --data; --data is the bundled MNIST subset")]
    [InlineData(new[] { "--data", "x.npy" }, "--data 'x.npy' holds the features; name the labels file with --labels FILE.npy")]
    [InlineData(new[] { "--data", "x.npy", "--labels", "y.npy", "--test-labels", "t.npy" }, "--test-labels goes with --test-data (the test features)")]
    [InlineData(new[] { "--data", "x.csv", "--test-data", "t.csv", "--test-fraction", "0.3" }, "--test-fraction holds out part of --data as the test set; with --test-data there is a test set already")]
    [InlineData(new[] { "--data", "x.csv", "--test-data", "t.npy" }, "--test-data 't.npy': expected a .csv file, like --data")]
    [InlineData(new[] { "--data", "missing.csv" }, "'missing.csv': no such file")]
    [InlineData(new[] { "--data", "x.csv", "--test-fraction", "1" }, "--test-fraction must be a fraction in (0, 1); got '1'")]
    public void DataOptionsThatDoNotFit_AreUsageErrors(string[] options, string message)
    {
        var (code, text) = LabConsole.Run(["compare-data", .. options, "--iterations", "1"]);

        Assert.Equal(Program.UsageError, code);
        Assert.Contains(message, text.ReplaceLineEndings(string.Empty), StringComparison.Ordinal);
    }

    [Fact]
    public void FashionMnist_ByName_ReadsTheDownloadFolder_LikeMnist()
    {
        // No network here: the folder 'descent data download fashion-mnist' fills is laid out by hand, in the IDX layout.
        string home = Path.Combine(_dir, "xdg");
        string folder = Path.Combine(home, "descent", "datasets", "fashion-mnist");
        Directory.CreateDirectory(folder);
        var random = new Random(9);
        byte[] Pixels(int n) => [.. Enumerable.Range(0, n * 784).Select(_ => (byte)random.Next(256))];
        IdxFile.Write(Path.Combine(folder, "train-images-idx3-ubyte.gz"), IdxArray.FromBytes(Pixels(20), 20, 28, 28));
        IdxFile.Write(Path.Combine(folder, "train-labels-idx1-ubyte.gz"), IdxArray.FromBytes([.. Enumerable.Range(0, 20).Select(i => (byte)(i % 10))], 20));
        IdxFile.Write(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), IdxArray.FromBytes(Pixels(10), 10, 28, 28));
        IdxFile.Write(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), IdxArray.FromBytes([.. Enumerable.Range(0, 10).Select(i => (byte)i)], 10));
        var environment = new Dictionary<string, string> { ["XDG_DATA_HOME"] = home };

        using var process = CliProcess.Start(environment, "compare-data", "--data", "fashion-mnist", "--hidden", "8", "--iterations", "5", "--batch-size", "4", "-o", "adam", "--out", Path.Combine(_dir, "fashion"));
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)));

        Assert.True(process.ExitCode == 0, output);
        Assert.Contains(folder, output, StringComparison.Ordinal);
        Assert.Contains("784-8-10 ReLU", output, StringComparison.Ordinal);
    }
}
