using System.Numerics;
using System.Text.Json;
using Descent.Numerics;
using Descent.Optimizers;
using Descent.Testing;

namespace Descent.Tests.Optimizers;

/// <summary>Muon against ../shared/goldens/pytorch/muon.json, and its shape rule and bfloat16 rounding.</summary>
public class MuonTests
{
    private static readonly Lazy<JsonDocument> File = new(() => Goldens.Load("pytorch/muon.json"));

    public static TheoryData<int> Cases => [.. Enumerable.Range(0, File.Value.RootElement.GetProperty("cases").GetArrayLength())];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Double_MatchesPyTorch_Within1e10(int index) => AssertWithin<double>(index, 1e-10);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float_MatchesPyTorch_Within1e4(int index) => AssertWithin<float>(index, 1e-4);

    [Fact]
    public void RejectsParametersThatAreNotMatrices_NamingTheParameter()
    {
        var error = Assert.Throws<ArgumentException>(() => new Muon<double>([new Parameter<double>("bias", new double[3])]));
        Assert.Contains("'bias'", error.Message, StringComparison.Ordinal);
        Assert.Contains("2-D", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.0f, 1.0f)]
    [InlineData(1.00390625f, 1.0f)]          // exactly half-way above 1 (last bit 0): ties to even, down
    [InlineData(1.01171875f, 1.015625f)]     // half-way above 1.0078125 (last bit 1): ties to even, up
    [InlineData(1.0039064f, 1.0078125f)]     // one float above half-way: up
    [InlineData(-3.14159265f, -3.140625f)]
    public void RoundToBFloat16_IsRoundToNearestEven(float value, float expected) =>
        Assert.Equal(expected, NewtonSchulz.RoundToBFloat16(value));

    [Fact]
    public void NewtonSchulz_OfAnOrthogonalMatrix_IsCloseToItself_AndTheIterationIsTransposeEquivariant()
    {
        // A scaled rotation: its singular values are equal, so the iteration drives them to ≈ 1 (within Muon's band).
        double[] rotation = [0.6, -0.8, 0.8, 0.6];
        var ns = new NewtonSchulz();
        float[] result = ns.Orthogonalize<double>(rotation.Select(v => 3 * v).ToArray(), 2, 2, 3.4445, -4.7750, 2.0315, 5, 1e-7).ToArray();
        for (int i = 0; i < 4; i++)
        {
            Assert.InRange(result[i] / rotation[i], 0.6, 1.3);
        }

        double[] tall = [1, 2, 3, 4, 5, 6];       // 3×2, stored transposed inside
        double[] wide = [1, 3, 5, 2, 4, 6];       // its transpose, 2×3
        float[] fromTall = ns.Orthogonalize<double>(tall, 3, 2, 3.4445, -4.7750, 2.0315, 5, 1e-7).ToArray();
        float[] fromWide = ns.Orthogonalize<double>(wide, 2, 3, 3.4445, -4.7750, 2.0315, 5, 1e-7).ToArray();
        Assert.Equal(fromWide, fromTall);
    }

    private static void AssertWithin<T>(int index, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var c = File.Value.RootElement.GetProperty("cases")[index];
        Assert.Equal("Muon", c.GetProperty("optimizer").GetString());
        var kwargs = c.GetProperty("kwargs");
        Assert.Equal(["lr"], kwargs.EnumerateObject().Select(p => p.Name));
        var init = c.GetProperty("init");
        var shapes = c.GetProperty("shapes");
        var parameters = new Parameter<T>[init.GetArrayLength()];
        for (int k = 0; k < parameters.Length; k++)
        {
            T[] values = [.. init[k].EnumerateArray().Select(v => T.CreateTruncating(v.GetDouble()))];
            parameters[k] = new Parameter<T>($"p{k}", values, [.. shapes[k].EnumerateArray().Select(d => d.GetInt32())]);
        }

        var muon = new Muon<T>(parameters, new MuonOptions { LearningRate = kwargs.GetProperty("lr").GetDouble() });
        double worst = 0;
        foreach (var step in c.GetProperty("steps").EnumerateArray())
        {
            GoldenRun.Feed(parameters, step.GetProperty("grads"));
            muon.Step();
            worst = Math.Max(worst, GoldenRun.Compare(parameters, step.GetProperty("params")));
        }

        Assert.True(worst <= tolerance, $"Muon ({typeof(T).Name}): max relative error {worst:E3}");
    }
}
