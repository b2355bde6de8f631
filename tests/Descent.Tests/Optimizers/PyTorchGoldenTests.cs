using Descent.Optimizers;
using Descent.Optimizers.Kernels;

namespace Descent.Tests.Optimizers;

/// <summary>Every torch.optim case of tests/goldens/pytorch/optimizers.json, replayed step by step.</summary>
public class PyTorchGoldenTests
{
    public static TheoryData<int> Cases => GoldenRun.Indices();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Double_MatchesPyTorch_Within1e10(int index)
    {
        var c = GoldenRun.Case(index);
        double error = GoldenRun.MaxRelativeError<double>(c);
        Assert.True(error <= 1e-10, $"{GoldenRun.Describe(c)}: max relative error {error:E3}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float_MatchesPyTorch_Within1e4(int index)
    {
        var c = GoldenRun.Case(index);
        double error = GoldenRun.MaxRelativeError<float>(c);
        Assert.True(error <= 1e-4, $"{GoldenRun.Describe(c)}: max relative error {error:E3}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ScalarReferencePath_MatchesPyTorch_Within1e10(int index)
    {
        var c = GoldenRun.Case(index);
        double error = GoldenRun.MaxRelativeError<double>(c, o => Pin(o, KernelPath.Scalar));
        Assert.True(error <= 1e-10, $"{GoldenRun.Describe(c)}: max relative error {error:E3}");
    }

    internal static void Pin<T>(IOptimizer<T> optimizer, KernelPath path)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var property = optimizer.GetType().GetProperty("KernelPath", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        property.SetValue(optimizer, path);
    }
}
