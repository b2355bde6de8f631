using System.Text.RegularExpressions;
using Descent.Cli.Tuning;
using Descent.Optimizers;
using Descent.Optimizers.Book;

namespace Descent.Cli.Tests.Tuning;

public class ExplainTests
{
    [Fact]
    public void Explain_WorksForEveryCatalogEntry_WithItsEquationsReferenceConventionsDefaultsAndMeasuredState()
    {
        foreach (var info in OptimizerCatalog.All.Concat(OptimizerCatalog.ClosureOptimizers))
        {
            var (code, output) = LabConsole.Run("explain", info.Name, "--conventions", "pytorch");
            Assert.True(code == 0, $"{info.Name}: {output}");
            Assert.Contains(info.Name, output, StringComparison.Ordinal);
            Assert.Contains(info.Summary, output, StringComparison.Ordinal);
            Assert.Contains("defaults: " + info.Defaults.GetType().Name, output, StringComparison.Ordinal);
            Assert.Contains("state: ", output, StringComparison.Ordinal);

            // Long notes wrap at the console's width; compare with runs of white space made one space.
            string text = Flat(output);
            Assert.Contains("update, in the code's order:", text, StringComparison.Ordinal);
            foreach (var line in info.Doc.Update)
            {
                Assert.Contains(Flat(EquationText.ToUnicode(line.Math)), text, StringComparison.Ordinal);
            }

            Assert.Contains(Flat($"reference: {info.Doc.Reference.Citation}; matches {info.Doc.Reference.Implementation}"), text, StringComparison.Ordinal);
            foreach (var note in info.Doc.Conventions)
            {
                Assert.Contains(Flat(note.Text), text, StringComparison.Ordinal);
                if (note.Example is { } example)
                {
                    Assert.Contains(Flat(example.Left), text, StringComparison.Ordinal);
                    Assert.Contains(Flat(example.Right), text, StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void Explain_Momentum_PrintsTheStepsOfRunningBothConventions()
    {
        var (code, output) = LabConsole.Run("explain", "momentum", "--conventions", "pytorch");
        Assert.Equal(0, code);

        // Run PyTorch's and the book's momentum here, independently of explain, with the rate cut tenfold at step 3.
        var pytorch = new Parameter<double>("p", [1.0, 1.0, 1.0]);
        var book = new Parameter<double>("b", [1.0, 1.0, 1.0]);
        IOptimizer<double> sgd = new Sgd<double>([pytorch], new SgdOptions { LearningRate = 0.1, Momentum = 0.9 });
        IOptimizer<double> velocity = new BookMomentum<double>([book], new BookMomentumOptions { LearningRate = 0.1, Momentum = 0.9 });
        double[] a = [1.0, 1e-3, 1e-6];
        foreach (double rate in new[] { 0.1, 0.1, 0.01 })
        {
            foreach (var (optimizer, parameter) in new[] { (sgd, pytorch), (velocity, book) })
            {
                optimizer.ParameterGroups[0].LearningRate = rate;
                for (int i = 0; i < 3; i++)
                {
                    parameter.Gradient.Span[i] = a[i] * parameter.Value.Span[i];
                }

                optimizer.Step();
            }
        }

        string left = "θ = " + OptimizerDocText.Vector(pytorch.Value.ToArray(), OptimizerDocText.Number);
        string right = "θ = " + OptimizerDocText.Vector(book.Value.ToArray(), OptimizerDocText.Number);
        Assert.NotEqual(left, right);
        string step3 = output[output.IndexOf("step 3", StringComparison.Ordinal)..];
        Assert.Contains(left, step3, StringComparison.Ordinal);
        Assert.Contains(right, step3, StringComparison.Ordinal);
        Assert.Contains(OptimizerDocText.Difference(book.Value.Span[0] - pytorch.Value.Span[0]), step3, StringComparison.Ordinal);
        Assert.Equal(0.6966, pytorch.Value.Span[0], 1e-12);   // by hand: b = 1, 1.8, 2.34; θ = 0.9, 0.72, 0.72 − 0.01·2.34
    }

    [Fact]
    public void Explain_Html_WritesTheSameDataEscaped()
    {
        string file = Path.Combine(Path.GetTempPath(), $"descent-explain-{Guid.NewGuid():N}.html");
        try
        {
            var (code, output) = LabConsole.Run("explain", "rprop", "--conventions", "pytorch", "--html", file);
            Assert.True(code == 0, output);
            string html = File.ReadAllText(file);
            var doc = OptimizerCatalog.Find("Rprop").Doc;
            Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
            Assert.Contains("<sub>", html, StringComparison.Ordinal);
            Assert.Contains(EquationText.ToHtml(doc.Update[1].Math), html, StringComparison.Ordinal);
            Assert.Contains("where g·g₋ &lt; 0", html, StringComparison.Ordinal);
            Assert.DoesNotContain("g₋ < 0", html, StringComparison.Ordinal);
            Assert.Contains(EquationText.Escape(doc.Reference.Citation), html, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Explain_Html_AnUnwritableFile_IsAUsageError()
    {
        var (code, output) = LabConsole.Run("explain", "adam", "--html", Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "x.html"));
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("--html", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportLines_NameEachOptimizerOnceWithItsShortUpdateAndReference()
    {
        string html = OptimizerDocText.HtmlSection(["adam:lr=0.1 (Adam)", "adam:lr=0.01 (Adam)", "sgd:lr=0.1 (BookSGD)", "not-an-optimizer"]);
        Assert.Equal(1, Regex.Count(html, "<b>Adam</b>"));
        Assert.Contains("<b>BookSGD</b>", html, StringComparison.Ordinal);
        Assert.Contains(EquationText.ToHtml(OptimizerCatalog.Find("Adam").Doc.OneLine), html, StringComparison.Ordinal);
        Assert.Contains("arXiv:1412.6980", html, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(html, "<li>"));
        string markdown = OptimizerDocText.MarkdownSection(["book-sgd"]);
        Assert.Contains("- " + OptimizerDocText.Line(OptimizerCatalog.Find("BookSGD")), markdown, StringComparison.Ordinal);
        Assert.Equal(string.Empty, OptimizerDocText.HtmlSection(["nothing"]));
    }

    [Fact]
    public void Explain_MeasuresAdamsTwoMomentsAndAdafactorsFactoredOnes()
    {
        var (_, adam) = LabConsole.Run("explain", "Adam");
        Assert.Contains("exp_avg (1024 values), exp_avg_sq (1024 values)", adam, StringComparison.Ordinal);
        Assert.Contains("2 value(s) per parameter element", adam, StringComparison.Ordinal);
        var (_, adafactor) = LabConsole.Run("explain", "adafactor");
        Assert.Contains("row_var (32 values), col_var (32 values)", adafactor, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_AnUnknownName_IsAUsageErrorListingTheValidOnes()
    {
        var (code, output) = LabConsole.Run("explain", "adamx");
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("Valid:", output, StringComparison.Ordinal);
    }

    private static string Flat(string text) => Regex.Replace(text, @"\s+", " ");
}
