using Descent.Clipping;
using Descent.Testing;
using Xunit.Abstractions;

namespace Descent.Tests.Clipping;

public class GradientClippingTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-12;

    public static TheoryData<int> ClipCases()
    {
        using var doc = Goldens.Load("pytorch/schedulers.json");
        var data = new TheoryData<int>();
        for (int i = 0; i < doc.RootElement.GetProperty("clip").GetArrayLength(); i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ClipCases))]
    public void GoldenCase_MatchesPyTorch(int index)
    {
        using var doc = Goldens.Load("pytorch/schedulers.json");
        var c = doc.RootElement.GetProperty("clip")[index];
        double error = GoldenReplay.ReplayClip<double>(c);
        output.WriteLine($"{GoldenReplay.ClipLabel(c)}: max relative error of the norm and the clipped gradients = {error:E2}");
        Assert.True(error <= Tolerance, $"differs by {error:E3}");
    }

    [Fact]
    public void GlobalNorm_IsTheNormOfAllElementsTogether_ForEveryNormType()
    {
        var a = Parameter("a", [3.0, -4.0]);
        var b = Parameter("b", [12.0]);
        Assert.Equal(13.0, GradientClipping.GlobalNorm<double>([a, b], 2.0), 12);
        Assert.Equal(19.0, GradientClipping.GlobalNorm<double>([a, b], 1.0), 12);
        Assert.Equal(12.0, GradientClipping.GlobalNorm<double>([a, b], double.PositiveInfinity));
        Assert.Equal(Math.Pow(27 + 64 + 1728, 1.0 / 3), GradientClipping.GlobalNorm<double>([a, b], 3.0), 12);
        Assert.Equal(0.0, GradientClipping.GlobalNorm<double>([], 2.0));
    }

    [Fact]
    public void ClipByGlobalNorm_LeavesSmallGradientsUntouched_AndScalesLargeOnesToTheBound()
    {
        var small = Parameter("s", [0.3, 0.4]);
        Assert.Equal(0.5, GradientClipping.ClipByGlobalNorm<double>([small], 1.0), 15);
        Assert.Equal([0.3, 0.4], small.Gradient.ToArray());

        var large = Parameter("l", [30.0, 40.0]);
        GradientClipping.ClipByGlobalNorm<double>([large], 1.0);
        Assert.Equal(1.0, GradientClipping.GlobalNorm<double>([large]), 6);
    }

    [Fact]
    public void ClipByGlobalNorm_WorksInFloat()
    {
        var p = new Parameter<float>("f", new float[2], new float[] { 30f, 40f });
        double total = GradientClipping.ClipByGlobalNorm<float>([p], 5.0);
        Assert.Equal(50.0, total, 5);
        Assert.Equal(3f, p.Gradient.Span[0], 4);
        Assert.Equal(4f, p.Gradient.Span[1], 4);
    }

    [Fact]
    public void NonFiniteNorm_ThrowsWhenAsked_AndZeroesLikePyTorchOtherwise()
    {
        var p = Parameter("w", [1.0, double.PositiveInfinity]);
        var ex = Assert.Throws<NonFiniteGradientException>(() => GradientClipping.ClipByGlobalNorm<double>([p], 1.0, errorIfNonFinite: true));
        Assert.Contains("Infinity", ex.Message, StringComparison.Ordinal);
        Assert.Equal([1.0, double.PositiveInfinity], p.Gradient.ToArray());

        double total = GradientClipping.ClipByGlobalNorm<double>([p], 1.0);
        Assert.True(double.IsPositiveInfinity(total));
        Assert.Equal(0.0, p.Gradient.Span[0]);
        Assert.True(double.IsNaN(p.Gradient.Span[1])); // ∞ · 0, as in PyTorch
    }

    [Fact]
    public void NaNGradient_GivesNaNNorm_ForEveryNormType()
    {
        foreach (double p in new[] { 1.0, 2.0, 3.0, double.PositiveInfinity })
        {
            var w = Parameter("w", [double.NaN, 1.0]);
            Assert.True(double.IsNaN(GradientClipping.GlobalNorm<double>([w], p)), $"norm type {p}");
        }
    }

    [Fact]
    public void ClipByValue_ClampsEachElement_AndKeepsNaN()
    {
        var p = Parameter("w", [-3.0, -0.5, 0.5, 3.0, double.NaN]);
        GradientClipping.ClipByValue<double>([p], 1.0);
        Assert.Equal([-1.0, -0.5, 0.5, 1.0], p.Gradient.Span[..4].ToArray());
        Assert.True(double.IsNaN(p.Gradient.Span[4]));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-2.0)]
    [InlineData(double.NaN)]
    public void InvalidNormType_IsRejectedNamingIt(double normType)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm<double>([Parameter("w", [1.0])], 1.0, normType));
        Assert.Equal("normType", ex.ParamName);
    }

    [Fact]
    public void NegativeBounds_AreRejectedNamingThem()
    {
        var w = Parameter("w", [1.0]);
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm<double>([w], -1)).ParamName);
        Assert.Equal("clipValue", Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue<double>([w], -1)).ParamName);
    }

    private static Parameter<double> Parameter(string name, double[] gradient) =>
        new(name, new double[gradient.Length], gradient);
}
