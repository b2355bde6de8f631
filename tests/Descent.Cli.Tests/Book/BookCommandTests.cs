using Descent.Testing;

namespace Descent.Cli.Tests.Book;

public class BookCommandTests
{
    [Fact]
    public void Book_ListsEveryFigureOfChapterSix_WithItsCommand()
    {
        var (code, output) = LabConsole.Run("book");
        Assert.Equal(0, code);
        foreach (string figure in new[] { "6-10", "6-11", "6-13", "6-14", "6-15", "6-18", "6-19", "6-20", "6-21", "6-22", "6-23", "6-24" })
        {
            Assert.Contains(figure, output, StringComparison.Ordinal);
        }

        foreach (string command in new[] { "book activations", "book init", "book batch-norm --grid", "book weight-decay", "book dropout", "book search" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Activations_ReproduceBook_PassesTheCheck_AndWritesDataFiguresReport()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run("book", "activations", "--reproduce-book", "--check", Goldens.PathOf("book/ch6/activation_histograms.json"), "--out", folder);
        Assert.True(code == 0, output);
        Assert.Contains("36 curves: 36 passed, 0 failed", output, StringComparison.Ordinal);
        Assert.Contains("collapse to 0.5", output, StringComparison.Ordinal);
        foreach (string file in new[] { "activation_histograms.json", "activations-sigmoid.png", "activations-relu.svg", "activations-tanh.png", "report.md" })
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), $"{file} missing");
        }
    }

    [Fact]
    public void DefaultFloatMode_IsNotTheBooksArithmetic_SoTheExactCheckFails()
    {
        string folder = LabConsole.TempFolder();
        var (code, output) = LabConsole.Run("book", "init", "--prefix", "3", "--check", Goldens.PathOf("book/ch6/weight_init_compare.json"), "--out", folder);
        Assert.True(code == Program.RunFailure, output);
        Assert.Contains("FAIL", output, StringComparison.Ordinal);

        // The random draws are the same stream in float32 mode: the batch masks still pass.
        Assert.Contains("PASS  check batch mask 0", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "weight-init.png")));
    }

    [Theory]
    [InlineData("book", "init", "--reproduce-book", "--precision", "double")]
    [InlineData("book", "init", "--check", "/no/such/file.json")]
    [InlineData("book", "init", "--prefix", "0")]
    [InlineData("book", "search", "--trials", "0")]
    [InlineData("book", "dropout", "--precision", "half")]
    public void BadInput_IsAUsageError(params string[] args)
    {
        var (code, output) = LabConsole.Run(args);
        Assert.True(code == Program.UsageError, output);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RunsTheHistogramGolden_OneLinePerCurve()
    {
        var writer = new StringWriter();
        int code = VerifyCommand.Run([Goldens.PathOf("book/ch6/activation_histograms.json")], new Descent.Cli.Verification.VerifySettings(), writer);
        string output = writer.ToString();
        Assert.True(code == 0, output);
        Assert.Contains("36 cases: 36 passed, 0 failed", output, StringComparison.Ordinal);
        Assert.Contains("PASS  activation_histograms.json: Xavier/sigmoid counts (exact)", output, StringComparison.Ordinal);
    }
}
