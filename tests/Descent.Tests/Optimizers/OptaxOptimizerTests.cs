using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

/// <summary>What the Optax goldens alone would not pin down: per-tensor trust ratios, jnp.sign's edge cases, Optax's defaults and call syntax.</summary>
public class OptaxOptimizerTests
{
    [Fact]
    public void Lamb_TrustRatioIsPerTensor_EvenWhenTensorsShareOneBuffer()
    {
        // W and b adjacent in one array (one kernel run for element-wise optimizers) must still get ‖W‖/‖u_W‖ and ‖b‖/‖u_b‖.
        double[] values = [3.0, -4.0, 0.5, 0.01];
        double[] gradients = [1.0, 2.0, -0.5, 0.3];
        var shared = new Lamb<double>([
            new Parameter<double>("W", values.AsMemory(0, 3), gradients.AsMemory(0, 3), 3),
            new Parameter<double>("b", values.AsMemory(3, 1), gradients.AsMemory(3, 1), 1)], new LambOptions { LearningRate = 0.1, WeightDecay = 0.05 });
        shared.Step();

        // One step by hand: m̂ = g, v̂ = g², u = g/(|g| + ε) + λθ, r = ‖θ‖/‖u‖ per tensor.
        double[] start = [3.0, -4.0, 0.5, 0.01];
        foreach (var (from, to) in new[] { (0, 3), (3, 4) })
        {
            double[] u = [.. Enumerable.Range(from, to - from).Select(i => (gradients[i] / (Math.Abs(gradients[i]) + 1e-6)) + (0.05 * start[i]))];
            double ratio = Math.Sqrt(start[from..to].Sum(x => x * x)) / Math.Sqrt(u.Sum(x => x * x));
            for (int i = from; i < to; i++)
            {
                Assert.Equal(start[i] - (0.1 * ratio * u[i - from]), values[i], 1e-12);
            }
        }
    }

    [Fact]
    public void Lamb_ZeroParameters_TakeAdamsStep_NotAZeroOne()
    {
        var w = new Parameter<double>("w", [0.0, 0.0]);
        w.Gradient.Span[0] = 2;
        w.Gradient.Span[1] = -0.5;
        new Lamb<double>([w], new LambOptions { LearningRate = 0.1, Epsilon = 0 }).Step();
        Assert.Equal([-0.1, 0.1], w.Value.ToArray());
    }

    [Fact]
    public void Lion_MovesEveryCoordinateByTheRate_AndLeavesZeroInterpolationsAlone()
    {
        var w = new Parameter<double>("w", [1.0, 1.0, 1.0, 1.0]);
        double[] g = [1e-9, -300.0, 0.0, double.NaN];
        g.CopyTo(w.Gradient.Span);
        new Lion<double>([w], new LionOptions { LearningRate = 0.01, WeightDecay = 0 }).Step();
        Assert.Equal(0.99, w.Value.Span[0]);
        Assert.Equal(1.01, w.Value.Span[1]);
        Assert.Equal(1.0, w.Value.Span[2]);

        // jnp.sign(NaN) is NaN: a bad gradient shows in the parameters, as in Optax, instead of being dropped.
        Assert.True(double.IsNaN(w.Value.Span[3]));
    }

    [Fact]
    public void Yogi_StartsBothMomentsAtTheInitialAccumulatorValue()
    {
        var w = new Parameter<double>("w", [0.5]);
        var yogi = new Yogi<double>([w]);
        w.Gradient.Span[0] = 0;
        yogi.Step();
        var state = yogi.SaveState().Parameters["w"].Buffers;

        // m = 0.9·1e-6, v = 1e-6 − 0.001·sign(1e-6)·0: with g = 0 Yogi still moves, by its seeded first moment.
        Assert.Equal(0.9 * 1e-6, state["mu"][0], 1e-20);
        Assert.Equal(1e-6, state["nu"][0]);
        double expected = 0.5 - (0.01 * ((0.9 * 1e-6) / (1 - 0.9)) / (Math.Sqrt(1e-6 / (1 - 0.999)) + 1e-3));
        Assert.Equal(expected, w.Value.Span[0], 1e-15);
    }

    [Fact]
    public void AdaBelief_AddsEpsilonRootToTheStoredSecondMoment()
    {
        var w = new Parameter<double>("w", [1.0]);
        var adaBelief = new AdaBelief<double>([w], new AdaBeliefOptions { EpsilonRoot = 1e-3 });
        for (int t = 0; t < 3; t++)
        {
            adaBelief.Step();
        }

        // g = 0 throughout: s = ((0 + ε)·β₂ + ε)·β₂ + ε.
        double s = (((1e-3 * 0.999) + 1e-3) * 0.999) + 1e-3;
        Assert.Equal(s, adaBelief.SaveState().Parameters["w"].Buffers["nu"][0], 1e-18);
    }

    [Fact]
    public void Defaults_AreOptaxs()
    {
        Assert.Equal((0.9, 0.99, 1e-3), (new LionOptions().Beta1, new LionOptions().Beta2, new LionOptions().WeightDecay));
        Assert.Equal((0.9, 0.999, 1e-6, 0.0, 0.0), (new LambOptions().Beta1, new LambOptions().Beta2, new LambOptions().Epsilon, new LambOptions().EpsilonRoot, new LambOptions().WeightDecay));
        Assert.Equal((0.9, 0.999, 1e-16, 1e-16), (new AdaBeliefOptions().Beta1, new AdaBeliefOptions().Beta2, new AdaBeliefOptions().Epsilon, new AdaBeliefOptions().EpsilonRoot));
        Assert.Equal((0.9, 0.999, 1e-3, 0.0, 1e-6), (new YogiOptions().Beta1, new YogiOptions().Beta2, new YogiOptions().Epsilon, new YogiOptions().EpsilonRoot, new YogiOptions().InitialAccumulatorValue));
        Assert.All(OptimizerCatalog.All.Where(e => e.Convention == OptimizerConvention.Optax), e => Assert.StartsWith("optax.", e.Aliases[^1], StringComparison.Ordinal));
    }

    [Fact]
    public void OptaxCallSyntax_ParsesIntoTheCatalogsOptions()
    {
        var (name, pairs) = OptimizerCatalog.Parse("optax.lion(learning_rate=0.01,b1=0.8, b2=0.95,weight_decay=0.1)");
        Assert.Equal("optax.lion", name);
        var options = (LionOptions)OptimizerCatalog.Find(name).Options(pairs);
        Assert.Equal(new LionOptions { LearningRate = 0.01, Beta1 = 0.8, Beta2 = 0.95, WeightDecay = 0.1 }, options);
        Assert.IsType<Yogi<float>>(OptimizerCatalog.Create<float>("optax.yogi(learning_rate=0.05)", []));
        Assert.IsType<Lamb<double>>(OptimizerCatalog.Create<double>("lamb:lr=0.05,eps_root=1e-8", []));
        var unclosed = Assert.Throws<ArgumentException>(() => OptimizerCatalog.Parse("optax.lamb(learning_rate=0.05"));
        Assert.Contains("does not close", unclosed.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<ArgumentException>(() => OptimizerCatalog.Create<double>("optax.yogi(learning_rate=0.05,nesterov=True)", []));
        Assert.Contains("Yogi has no option 'nesterov'", unknown.Message, StringComparison.Ordinal);
    }
}
