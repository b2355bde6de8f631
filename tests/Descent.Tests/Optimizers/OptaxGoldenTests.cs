using Descent.Optimizers;
using Descent.Optimizers.Kernels;

namespace Descent.Tests.Optimizers;

/// <summary>Every case of tests/goldens/optax/optimizers.json (Lion, LAMB, AdaBelief, Yogi), replayed step by step.</summary>
public class OptaxGoldenTests
{
    public static TheoryData<int> Cases => GoldenRun.OptaxIndices();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Double_MatchesOptax_Within1e10(int index)
    {
        var c = GoldenRun.OptaxCase(index);
        double error = GoldenRun.MaxRelativeError<double>(c);
        Assert.True(error <= 1e-10, $"{GoldenRun.Describe(c)}: max relative error {error:E3}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float_MatchesOptax_Within1e4(int index)
    {
        var c = GoldenRun.OptaxCase(index);
        double error = GoldenRun.MaxRelativeError<float>(c);
        Assert.True(error <= 1e-4, $"{GoldenRun.Describe(c)}: max relative error {error:E3}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ScalarReferencePath_MatchesOptax_Within1e10(int index)
    {
        var c = GoldenRun.OptaxCase(index);
        double error = GoldenRun.MaxRelativeError<double>(c, o => PyTorchGoldenTests.Pin(o, KernelPath.Scalar));
        Assert.True(error <= 1e-10, $"{GoldenRun.Describe(c)}: max relative error {error:E3}");
    }

    [Fact]
    public void TheFileHoldsTheFourOptaxOptimizers()
    {
        var names = Enumerable.Range(0, GoldenRun.OptaxIndices().Count)
            .Select(i => OptimizerCatalog.Find(OptimizerCatalog.Parse(GoldenRun.OptaxCase(i).GetProperty("optimizer").GetString()!).Name).Name)
            .Order(StringComparer.Ordinal);
        Assert.Equal(["AdaBelief", "Lamb", "Lion", "Yogi"], names);
    }
}
