using System.Text.Json;
using Descent.Optimizers;
using Descent.Testing;
using Descent.Tests.Schedules;
using Xunit.Abstractions;

namespace Descent.Tests.Optimizers;

public class LbfgsTests(ITestOutputHelper output)
{
    private static JsonElement[] GoldenRuns()
    {
        using var doc = Goldens.Load("pytorch/optimizers.json");
        return [.. doc.RootElement.GetProperty("lbfgs").EnumerateArray().Select(r => r.Clone())];
    }

    [Fact]
    public void Catalog_TakesPyTorchsOptionNames()
    {
        var options = (LbfgsOptions)OptimizerCatalog.Lbfgs.Options(
            [new("lr", "0.5"), new("max_iter", "7"), new("max_eval", "9"), new("history_size", "4"), new("line_search_fn", "strong_wolfe"), new("tolerance_grad", "1e-5")]);
        Assert.Equal(new LbfgsOptions { LearningRate = 0.5, MaxIterations = 7, MaxEvaluations = 9, HistorySize = 4, LineSearch = LbfgsLineSearch.StrongWolfe, ToleranceGrad = 1e-5 }, options);
        Assert.Equal(LbfgsLineSearch.None, ((LbfgsOptions)OptimizerCatalog.Lbfgs.Options([new("line_search_fn", "None")])).LineSearch);
        Assert.Null(((LbfgsOptions)OptimizerCatalog.Lbfgs.Options([new("max_eval", "null")])).MaxEvaluations);
        var ex = Assert.Throws<ArgumentException>(() => OptimizerCatalog.Lbfgs.Options([new("line_search_fn", "backtracking")]));
        Assert.Contains("StrongWolfe", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(OptimizerCatalog.All, e => e.Name == "LBFGS");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Golden_Rosenbrock_MatchesPyTorch(int run)
    {
        double worst = GoldenReplay.ReplayLbfgs(GoldenRuns()[run]);
        output.WriteLine($"run {run}: max relative error {worst:E3}");
        Assert.True(worst <= 1e-10, $"max relative error {worst:E3}");
    }

    [Theory]
    [InlineData(LbfgsLineSearch.None)]
    [InlineData(LbfgsLineSearch.StrongWolfe)]
    public void SaveThenLoad_ContinuesBitIdentically(LbfgsLineSearch lineSearch)
    {
        var options = new LbfgsOptions { HistorySize = 3, MaxIterations = 4, LineSearch = lineSearch, LearningRate = 0.5 };
        var straightP = new Parameter<double>("xy", [-1.5, 2.0]);
        var straight = new Lbfgs<double>([straightP], options);
        for (int s = 0; s < 6; s++)
        {
            straight.Step(() => GoldenReplay.Rosenbrock(straightP));
        }

        var firstP = new Parameter<double>("xy", [-1.5, 2.0]);
        var first = new Lbfgs<double>([firstP], options);
        for (int s = 0; s < 3; s++)
        {
            first.Step(() => GoldenReplay.Rosenbrock(firstP));
        }

        var resumedP = new Parameter<double>("xy", firstP.Value.ToArray());
        var resumed = new Lbfgs<double>([resumedP], new LbfgsOptions());
        resumed.LoadState(first.SaveState());
        Assert.Equal(options, resumed.Group.Options);
        for (int s = 3; s < 6; s++)
        {
            resumed.Step(() => GoldenReplay.Rosenbrock(resumedP));
        }

        Assert.Equal(straightP.Value.ToArray(), resumedP.Value.ToArray());
        Assert.Equal(straight.FunctionEvaluations, resumed.FunctionEvaluations);
        Assert.Equal(straight.Iterations, resumed.Iterations);
    }

    [Fact]
    public void ManyParameters_AreOneFlatVector_AndTheHistoryWraps()
    {
        // A separable quadratic split over two parameters behaves exactly like the same quadratic in one.
        static double Quadratic(Span<double> v, Span<double> g, int offset)
        {
            double loss = 0;
            for (int i = 0; i < v.Length; i++)
            {
                double c = 1 + (offset + i);
                g[i] = c * (v[i] - 1);
                loss += 0.5 * c * (v[i] - 1) * (v[i] - 1);
            }

            return loss;
        }

        var options = new LbfgsOptions { HistorySize = 2, MaxIterations = 5, LineSearch = LbfgsLineSearch.StrongWolfe };
        var a = new Parameter<double>("a", [3.0, -1.0]);
        var b = new Parameter<double>("b", [0.5, 2.0, 4.0], 3, 1);
        var whole = new Parameter<double>("w", [3.0, -1.0, 0.5, 2.0, 4.0]);
        var split = new Lbfgs<double>([a, b], options);
        var joint = new Lbfgs<double>([whole], options);
        for (int s = 0; s < 4; s++)
        {
            double ls = split.Step(() => Quadratic(a.Value.Span, a.Gradient.Span, 0) + Quadratic(b.Value.Span, b.Gradient.Span, 2));
            double lj = joint.Step(() => Quadratic(whole.Value.Span[..2], whole.Gradient.Span[..2], 0) + Quadratic(whole.Value.Span[2..], whole.Gradient.Span[2..], 2));
            Assert.Equal(lj, ls);
        }

        Assert.Equal(whole.Value.ToArray(), a.Value.ToArray().Concat(b.Value.ToArray()).ToArray());
        Assert.All(whole.Value.ToArray(), v => Assert.Equal(1.0, v, 1e-4));
        Assert.Equal(2, joint.SaveState().Parameters["w"].Scalars.Keys.Count(k => k.StartsWith("ro.", StringComparison.Ordinal)));
    }

    [Fact]
    public void Float_ConvergesOnRosenbrock()
    {
        var p = new Parameter<float>("xy", [-1.5f, 2.0f]);
        var optimizer = new Lbfgs<float>([p], new LbfgsOptions { LineSearch = LbfgsLineSearch.StrongWolfe });
        for (int s = 0; s < 10; s++)
        {
            optimizer.Step(() =>
            {
                var v = p.Value.Span;
                double x = v[0];
                double y = v[1];
                p.Gradient.Span[0] = (float)((-2 * (1 - x)) - (400 * x * (y - (x * x))));
                p.Gradient.Span[1] = (float)(200 * (y - (x * x)));
                return ((1 - x) * (1 - x)) + (100 * (y - (x * x)) * (y - (x * x)));
            });
        }

        Assert.Equal(1f, p.Value.Span[0], 1e-3f);
        Assert.Equal(1f, p.Value.Span[1], 1e-3f);
    }

    [Fact]
    public void Step_AllocatesNothingOnceTheHistoryIsFull()
    {
        var p = new Parameter<double>("w", [.. Enumerable.Range(0, 50).Select(i => Math.Sin(i))]);
        double Loss()
        {
            var v = p.Value.Span;
            var g = p.Gradient.Span;
            double loss = 0;
            for (int i = 0; i < v.Length; i++)
            {
                double c = 1 + (0.1 * i);
                g[i] = (c * v[i]) + (0.4 * v[i] * v[i] * v[i]);
                loss += (0.5 * c * v[i] * v[i]) + (0.1 * v[i] * v[i] * v[i] * v[i]);
            }

            return loss;
        }

        var optimizer = new Lbfgs<double>([p], new LbfgsOptions { HistorySize = 2, MaxIterations = 3, LineSearch = LbfgsLineSearch.StrongWolfe, ToleranceGrad = 0, ToleranceChange = 0 });
        Func<double> closure = Loss;
        var scheduler = EveryStepSchedule.Attach(optimizer);
        for (int t = 0; t < 2; t++)
        {
            optimizer.Step(closure);
            scheduler.Step();
        }

        var scheduled = EveryStepSchedule.Values(optimizer);
        long before = GC.GetAllocatedBytesForCurrentThread();
        optimizer.Step(closure);
        scheduler.Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        EveryStepSchedule.AssertMoved(optimizer, scheduled);
    }

    [Fact]
    public void NoParameters_OrADuplicateName_IsRejected()
    {
        var empty = Assert.Throws<ArgumentException>(() => new Lbfgs<double>([]));
        Assert.Contains("at least one parameter", empty.Message, StringComparison.Ordinal);
        var twice = Assert.Throws<ArgumentException>(() => new Lbfgs<double>([new Parameter<double>("a", [1.0]), new Parameter<double>("a", [2.0])]));
        Assert.Contains("'a'", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CatalogRow_BuildsAClosureOptimizer_AndRefusesTheGradientOnlyFactory()
    {
        Assert.True(OptimizerCatalog.Lbfgs.NeedsClosure);
        Assert.IsType<Lbfgs<float>>(OptimizerCatalog.Lbfgs.CreateClosureOptimizer<float>([new Parameter<float>("w", [1f])]));
        var ex = Assert.Throws<InvalidOperationException>(() => OptimizerCatalog.Lbfgs.Create<double>([new Parameter<double>("w", [1.0])]));
        Assert.Contains("closure", ex.Message, StringComparison.Ordinal);
        Assert.All(OptimizerCatalog.All, e => Assert.False(e.NeedsClosure));
    }

    [Fact]
    public void CubicInterpolate_FindsTheMinimizerOfACubic()
    {
        // f(x) = x³ − 3x has its local minimum at 1; f′(x) = 3x² − 3.
        static double F(double x) => (x * x * x) - (3 * x);
        static double G(double x) => (3 * x * x) - 3;
        Assert.Equal(1.0, StrongWolfeLineSearch<double>.CubicInterpolate(0, F(0), G(0), 2, F(2), G(2)), 12);
        Assert.Equal(1.5, StrongWolfeLineSearch<double>.CubicInterpolate(0, F(0), G(0), 2, F(2), G(2), 1.5, 3));
    }

    [Theory]
    [InlineData(nameof(LbfgsOptions.LearningRate), "≥ 0")]
    [InlineData(nameof(LbfgsOptions.MaxIterations), "positive")]
    [InlineData(nameof(LbfgsOptions.MaxEvaluations), "positive")]
    [InlineData(nameof(LbfgsOptions.ToleranceGrad), "≥ 0")]
    [InlineData(nameof(LbfgsOptions.ToleranceChange), "≥ 0")]
    [InlineData(nameof(LbfgsOptions.HistorySize), "positive")]
    [InlineData(nameof(LbfgsOptions.LineSearch), "StrongWolfe")]
    public void InvalidOption_Throws_NamingOptionAndRange(string option, string range)
    {
        var options = option switch
        {
            nameof(LbfgsOptions.LearningRate) => new LbfgsOptions { LearningRate = -1 },
            nameof(LbfgsOptions.MaxIterations) => new LbfgsOptions { MaxIterations = 0 },
            nameof(LbfgsOptions.MaxEvaluations) => new LbfgsOptions { MaxEvaluations = -3 },
            nameof(LbfgsOptions.ToleranceGrad) => new LbfgsOptions { ToleranceGrad = -1e-7 },
            nameof(LbfgsOptions.ToleranceChange) => new LbfgsOptions { ToleranceChange = double.NaN },
            nameof(LbfgsOptions.HistorySize) => new LbfgsOptions { HistorySize = 0 },
            _ => new LbfgsOptions { LineSearch = (LbfgsLineSearch)7 },
        };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Lbfgs<double>([new Parameter<double>("w", [1.0])], options));
        Assert.Equal(option, ex.ParamName);
        Assert.Contains(range, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxEvaluations_DefaultsToFiveQuartersOfMaxIterations()
    {
        Assert.Equal(25, new LbfgsOptions().EffectiveMaxEvaluations);
        Assert.Equal(12, new LbfgsOptions { MaxIterations = 10 }.EffectiveMaxEvaluations);
        Assert.Equal(7, new LbfgsOptions { MaxEvaluations = 7 }.EffectiveMaxEvaluations);
    }
}
