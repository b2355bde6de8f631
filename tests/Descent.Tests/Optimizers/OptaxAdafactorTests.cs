using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

/// <summary>Optax's Adafactor against its formulas where they can be worked by hand.</summary>
public class OptaxAdafactorTests
{
    [Fact]
    public void FirstStep_MovesEachElementByRateTimesParameterRms_AgainstTheGradientSign()
    {
        // t = 1: ρ = 1 − 1^(−0.8) = 0, so v = g² + ε and u = g/|g|; RMS(u) = 1 needs no clipping; ×η·RMS(θ).
        var w = new Parameter<double>("w", [3.0, 4.0]);
        w.Gradient.Span[0] = 1;
        w.Gradient.Span[1] = -2;
        new OptaxAdafactor<double>([w], new OptaxAdafactorOptions { LearningRate = 0.1 }).Step();
        double rms = Math.Sqrt(12.5);
        Assert.Equal(3 - (0.1 * rms), w.Value.Span[0], 14);
        Assert.Equal(4 + (0.1 * rms), w.Value.Span[1], 14);
    }

    [Fact]
    public void LargeMatrices_KeepOnlyRowAndColumnFactors_SmallOnesAFullMoment()
    {
        var big = new Parameter<float>("W", new float[130 * 200], 130, 200);
        var tall = new Parameter<float>("V", new float[300 * 129], 300, 129);
        var small = new Parameter<float>("S", new float[10 * 300], 10, 300);
        big.Gradient.Span.Fill(0.5f);
        tall.Gradient.Span.Fill(-0.25f);
        small.Gradient.Span.Fill(1f);
        var adafactor = new OptaxAdafactor<float>([big, tall, small]);
        adafactor.Step();
        var state = adafactor.SaveState().Parameters;
        Assert.Equal((130, 200, 1), (state["W"].Buffers["v_row"].Length, state["W"].Buffers["v_col"].Length, state["W"].Buffers["v"].Length));
        Assert.Equal((129, 300, 1), (state["V"].Buffers["v_row"].Length, state["V"].Buffers["v_col"].Length, state["V"].Buffers["v"].Length));
        Assert.Equal((1, 1, 3000), (state["S"].Buffers["v_row"].Length, state["S"].Buffers["v_col"].Length, state["S"].Buffers["v"].Length));

        // A constant gradient makes every factor equal, so the step is the same everywhere: −η·sign(g)·max(RMS(θ), 1e-3).
        Assert.All(big.Value.ToArray(), v => Assert.Equal(-1e-3f, v, 1e-9f));
        Assert.All(tall.Value.ToArray(), v => Assert.Equal(1e-3f, v, 1e-9f));
    }

    [Fact]
    public void RejectsTensorsOfRankThree()
    {
        var error = Assert.Throws<ArgumentException>(() => new OptaxAdafactor<double>([new Parameter<double>("k", new double[8], 2, 2, 2)]));
        Assert.Contains("'k'", error.Message, StringComparison.Ordinal);
    }
}
