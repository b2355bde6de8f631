using Descent.Optimizers;
using Descent.Optimizers.Book;

namespace Descent.Tests.Optimizers;

public class OptimizerDocTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var info in OptimizerCatalog.All.Concat(OptimizerCatalog.ClosureOptimizers))
        {
            data.Add(info.Name);
        }

        return data;
    }

    private static OptimizerInfo Info(string name) =>
        OptimizerCatalog.All.Concat(OptimizerCatalog.ClosureOptimizers).Single(i => i.Name == name);

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryEntry_HasEquationsAReferenceAndConventionNotes(string name)
    {
        var doc = Info(name).Doc;
        Assert.NotEmpty(doc.Update);
        Assert.Contains(doc.Update, line => line.Math.Contains('←', StringComparison.Ordinal));
        foreach (string math in doc.Update.Select(l => l.Math).Append(doc.OneLine))
        {
            Assert.False(string.IsNullOrWhiteSpace(math), name);
            string text = EquationText.ToUnicode(math);
            Assert.DoesNotContain('{', text);
            Assert.DoesNotContain('}', text);
        }

        Assert.False(string.IsNullOrWhiteSpace(doc.Reference.Authors));
        Assert.False(string.IsNullOrWhiteSpace(doc.Reference.Title));
        Assert.False(string.IsNullOrWhiteSpace(doc.Reference.Implementation));
        Assert.InRange(doc.Reference.Year, 1950, 2026);
        Assert.True(doc.Reference.ArXiv is null || System.Text.RegularExpressions.Regex.IsMatch(doc.Reference.ArXiv, @"^\d{4}\.\d{4,5}$"), doc.Reference.ArXiv);
        Assert.NotEmpty(doc.Conventions);
        Assert.All(doc.Conventions, note => Assert.True(note.Text.Length > 20, name));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryConventionExample_RunsTheRealOptimizersToFiniteValues(string name)
    {
        foreach (var example in Info(name).Doc.Conventions.Select(n => n.Example).OfType<ConventionExample>())
        {
            var (left, right) = ConventionProblem.Run(example);
            Assert.Equal(example.LearningRates.Count, left.Length);
            Assert.Equal(example.LearningRates.Count, right.Length);
            Assert.All(left.Concat(right).SelectMany(v => v), v => Assert.True(double.IsFinite(v)));
            Assert.NotEqual(ConventionProblem.Start, left[^1]);
        }
    }

    [Fact]
    public void TheMomentumExample_IsTheCatalogsOptimizersStepByStep()
    {
        var note = OptimizerCatalog.Find("Momentum").Doc.Conventions.Single(n => n.Topic == ConventionTopic.MomentumForm);
        var example = note.Example!;
        var (left, right) = ConventionProblem.Run(example);

        // The same run written out against the library's optimizers, gradient a ⊙ θ, the rate set before each step.
        double[] a = [1.0, 1e-3, 1e-6];
        var pytorch = new Parameter<double>("p", [1.0, 1.0, 1.0]);
        var book = new Parameter<double>("b", [1.0, 1.0, 1.0]);
        var sgd = new Sgd<double>([pytorch], new SgdOptions { LearningRate = 0.1, Momentum = 0.9 });
        var velocity = new BookMomentum<double>([book], new BookMomentumOptions { LearningRate = 0.1, Momentum = 0.9 });
        double[] rates = [0.1, 0.1, 0.01];
        for (int step = 0; step < rates.Length; step++)
        {
            foreach (var (optimizer, parameter) in new (IOptimizer<double>, Parameter<double>)[] { (sgd, pytorch), (velocity, book) })
            {
                optimizer.ParameterGroups[0].LearningRate = rates[step];
                for (int i = 0; i < 3; i++)
                {
                    parameter.Gradient.Span[i] = a[i] * parameter.Value.Span[i];
                }

                optimizer.Step();
            }

            Assert.Equal(pytorch.Value.ToArray(), left[step]);
            Assert.Equal(book.Value.ToArray(), right[step]);
        }

        // The convention the note states: the forms agree while the rate is constant and part once it changes.
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(left[1][i], right[1][i], 1e-15);
            Assert.True(Math.Abs(left[2][i] - right[2][i]) > 1e-8, $"coordinate {i}");
        }
    }

    [Fact]
    public void TheAdamExample_ShowsTheBooksEpsilonHatMostWhereGradientsAreTiny()
    {
        var example = OptimizerCatalog.Find("Adam").Doc.Conventions.First(n => n.Topic == ConventionTopic.Epsilon).Example!;
        var (left, right) = ConventionProblem.Run(example);
        double large = Math.Abs(right[0][0] - left[0][0]) / Math.Abs(left[0][0] - 1);
        double tiny = Math.Abs(right[0][2] - left[0][2]) / Math.Abs(left[0][2] - 1);
        Assert.True(tiny > 1000 * large, $"relative effect {tiny} on the tiny gradient, {large} on the large one");
    }

    [Theory]
    [InlineData("β_1^t", "β₁ᵗ")]
    [InlineData("g^2 + v_{max}", "g² + vₘₐₓ")]
    [InlineData("0.96^{tψ}", "0.96^(tψ)")]
    [InlineData("ε_{root}", "ε_root")]
    [InlineData("θ_{k+1}", "θₖ₊₁")]
    [InlineData("x_{a,b}", "x_(a,b)")]
    [InlineData("x_ψ", "x_ψ")]
    [InlineData("10^{−7}", "10⁻⁷")]
    [InlineData("m̂_1", "m̂₁")]
    public void ToUnicode_UsesScriptCharactersWhereEveryCharacterHasOne(string math, string expected) =>
        Assert.Equal(expected, EquationText.ToUnicode(math));

    [Fact]
    public void ToUnicode_ScriptTables_CoverTheLatinLettersTheyClaim()
    {
        Assert.Equal("ₐₑₓ", EquationText.ToUnicode("_a_e_x"));
        Assert.Equal("ᵃᶻ⁾", EquationText.ToUnicode("^a^z^)"));
        Assert.Equal("^q", EquationText.ToUnicode("^q"));
    }

    [Fact]
    public void ToHtml_EscapesTextAndScripts()
    {
        Assert.Equal("a &lt; b &amp; c<sub>1</sub><sup>&lt;t&gt;</sup>", EquationText.ToHtml("a < b & c_1^{<t>}"));
        Assert.Equal("&lt;script&gt;x<sub>i</sub>&lt;/script&gt;", EquationText.ToHtml("<script>x_i</script>"));
        Assert.Equal("½·θ &quot;&#39;", EquationText.ToHtml("½·θ \"'"));
    }

    [Fact]
    public void AnUnclosedBrace_IsAFormatErrorNamingTheEquation()
    {
        var error = Assert.Throws<FormatException>(() => EquationText.ToUnicode("v_{max"));
        Assert.Contains("v_{max", error.Message, StringComparison.Ordinal);
    }
}
