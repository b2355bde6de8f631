using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

/// <summary>
/// <c>LoadState</c> checks everything before it changes anything: buffer lengths against the parameters,
/// step ≥ 0, the exact key set, finiteness. Each refusal names the parameter, the key, and the expected and
/// found values, and leaves the optimizer exactly as it was (it still steps).
/// </summary>
public class LoadStateValidationTests
{
    [Fact]
    public void StateForAShorterParameter_IsRefused_NamingParameterKeyAndLengths()
    {
        var saved = Stepped("adam", ("w", 3)).SaveState();
        var target = Stepped("adam", ("w", 5));
        var error = AssertRefusedUnchanged(target, saved);
        Assert.Contains("'w'", error, StringComparison.Ordinal);
        Assert.Contains("'exp_avg", error, StringComparison.Ordinal);
        Assert.Contains("3 values", error, StringComparison.Ordinal);
        Assert.Contains("keeps 5", error, StringComparison.Ordinal);
    }

    [Fact]
    public void StateOfTwoParametersWithSwappedLengths_IsRefused()
    {
        // a[3], b[1] into a[2], b[2]: the totals agree, so only a per-parameter check catches b taking a's moments.
        var saved = Stepped("adam", ("a", 3), ("b", 1)).SaveState();
        var target = Stepped("adam", ("a", 2), ("b", 2));
        var error = AssertRefusedUnchanged(target, saved);
        Assert.Contains("'a'", error, StringComparison.Ordinal);
        Assert.Contains("3 values", error, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeStep_IsRefused()
    {
        var source = Stepped("adam", ("w", 4));
        var state = source.SaveState();
        var p = state.Parameters["w"];
        var bad = state with { Parameters = new Dictionary<string, ParameterSnapshot<double>> { ["w"] = p with { Step = -3 } } };
        var error = AssertRefusedUnchanged(Stepped("adam", ("w", 4)), bad);
        Assert.Contains("'w'", error, StringComparison.Ordinal);
        Assert.Contains("-3", error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownOrMissingKey_IsRefused_NamingBoth()
    {
        var state = Stepped("adam", ("w", 4)).SaveState();
        var p = state.Parameters["w"];
        var buffers = new Dictionary<string, double[]>(p.Buffers, StringComparer.Ordinal);
        buffers["exp_avgs"] = buffers["exp_avg"];
        buffers.Remove("exp_avg");
        var bad = state with { Parameters = new Dictionary<string, ParameterSnapshot<double>> { ["w"] = p with { Buffers = buffers } } };
        var error = AssertRefusedUnchanged(Stepped("adam", ("w", 4)), bad);
        Assert.Contains("lacks [exp_avg]", error, StringComparison.Ordinal);
        Assert.Contains("unknown [exp_avgs]", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void NonFiniteBuffer_IsRefused_NamingElement(double value)
    {
        var state = Stepped("adam", ("w", 4)).SaveState();
        state.Parameters["w"].Buffers["exp_avg_sq"][2] = value;
        var error = AssertRefusedUnchanged(Stepped("adam", ("w", 4)), state);
        Assert.Contains("'w', state 'exp_avg_sq': element 2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void NaNScalar_IsRefused()
    {
        var state = Stepped("nadam", ("w", 4)).SaveState();
        var p = state.Parameters["w"];
        var scalars = new Dictionary<string, double>(p.Scalars, StringComparer.Ordinal) { ["mu_product"] = double.NaN };
        var bad = state with { Parameters = new Dictionary<string, ParameterSnapshot<double>> { ["w"] = p with { Scalars = scalars } } };
        var error = AssertRefusedUnchanged(Stepped("nadam", ("w", 4)), bad);
        Assert.Contains("mu_product", error, StringComparison.Ordinal);
    }

    /// <summary>No false refusals: every optimizer's own state loads, fresh and after one and three steps, into any group layout.</summary>
    [Theory]
    [MemberData(nameof(Specifications))]
    public void EveryOptimizersOwnState_Loads(string specification)
    {
        foreach (int steps in (int[])[0, 1, 3])
        {
            var source = Stepped(specification, steps, ("a", 6), ("b", 1), ("m", 12));
            var target = Stepped(specification, 0, ("a", 6), ("b", 1), ("m", 12));
            target.LoadState(source.SaveState());
            Assert.Equal(steps, target.ParameterGroups[0].StepCount);
        }
    }

    public static TheoryData<string> Specifications()
    {
        var data = new TheoryData<string>();
        foreach (string specification in KernelPathTests.Kernels)
        {
            data.Add(specification);
        }

        data.Add("adafactor");
        return data;
    }

    private static string AssertRefusedUnchanged(IOptimizer<double> target, OptimizerState<double> state)
    {
        var before = target.SaveState();
        var error = Assert.ThrowsAny<ArgumentException>(() => target.LoadState(state));
        AssertSameState(before, target.SaveState());
        target.Step();
        return error.Message;
    }

    private static void AssertSameState(OptimizerState<double> expected, OptimizerState<double> actual)
    {
        Assert.Equal(expected.Parameters.Keys.Order(), actual.Parameters.Keys.Order());
        foreach (var (name, p) in expected.Parameters)
        {
            var q = actual.Parameters[name];
            Assert.Equal(p.Step, q.Step);
            Assert.Equal(p.Buffers.Keys.Order(), q.Buffers.Keys.Order());
            foreach (var (key, values) in p.Buffers)
            {
                Assert.Equal(values, q.Buffers[key]);
            }

            Assert.Equal(p.Scalars, q.Scalars);
        }

        for (int g = 0; g < expected.Groups.Count; g++)
        {
            Assert.Equal(expected.Groups[g].Options, actual.Groups[g].Options);
        }
    }

    private static IOptimizer<double> Stepped(string specification, params (string Name, int Length)[] shapes) => Stepped(specification, 2, shapes);

    private static IOptimizer<double> Stepped(string specification, int steps, params (string Name, int Length)[] shapes)
    {
        var parameters = shapes.Select(s => s.Name == "m"
            ? new Parameter<double>(s.Name, [.. Enumerable.Range(0, s.Length).Select(i => 0.1 * (i + 1))], 3, s.Length / 3)
            : new Parameter<double>(s.Name, [.. Enumerable.Range(0, s.Length).Select(i => 0.1 * (i + 1))])).ToArray();
        var optimizer = OptimizerCatalog.Create(specification, parameters);
        for (int t = 0; t < steps; t++)
        {
            foreach (var p in parameters)
            {
                var g = p.Gradient.Span;
                for (int i = 0; i < g.Length; i++)
                {
                    g[i] = 0.3 - (0.07 * i) + (0.01 * t);
                }
            }

            optimizer.Step();
        }

        return optimizer;
    }
}
