using System.Text.Json;
using Descent.Optimizers.Kernels;
using Descent.Optimizers;
using Descent.Testing;
using Descent.Tests.Schedules;
using Xunit.Abstractions;

namespace Descent.Tests.Optimizers;

public class AdafactorTests(ITestOutputHelper output)
{
    private static JsonElement GoldenCase()
    {
        using var doc = Goldens.Load("pytorch/optimizers.json");
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .Single(c => c.GetProperty("optimizer").GetString() == "Adafactor").Clone();
    }

    [Fact]
    public void Golden_Double_MatchesPyTorch()
    {
        double error = GoldenRun.MaxRelativeError<double>(GoldenCase());
        output.WriteLine($"double: max relative error {error:E3}");
        Assert.True(error <= 1e-10, $"max relative error {error:E3}");
    }

    [Fact]
    public void Golden_Float_MatchesPyTorch()
    {
        double error = GoldenRun.MaxRelativeError<float>(GoldenCase());
        output.WriteLine($"float: max relative error {error:E3}");
        Assert.True(error <= 1e-4, $"max relative error {error:E3}");
    }

    [Fact]
    public void Catalog_TakesPyTorchsOptionNames()
    {
        var info = OptimizerCatalog.Find("adafactor");
        var options = (AdafactorOptions)info.Options([new("lr", "0.05"), new("eps", "[null, 0.002]"), new("d", "2"), new("beta2_decay", "-0.5"), new("weight_decay", "0.1")]);
        Assert.Equal(new AdafactorOptions { LearningRate = 0.05, Epsilon2 = 0.002, ClippingThreshold = 2, Beta2Decay = -0.5, WeightDecay = 0.1 }, options);
        var explicitEps = (AdafactorOptions)info.Options([new("eps", "[1e-30, 1e-3]")]);
        Assert.Equal(1e-30, explicitEps.Epsilon1);
        var ex = Assert.Throws<ArgumentException>(() => info.Options([new("eps", "[1e-30, null]")]));
        Assert.Contains("Epsilon2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void State_UsesPyTorchKeys_FactoredForMatricesOnly()
    {
        var matrix = new Parameter<double>("w", [1.0, 2, 3, 4, 5, 6], 2, 3);
        var vector = new Parameter<double>("b", [1.0, 2]);
        var optimizer = new Adafactor<double>([matrix, vector]);
        matrix.Gradient.Span.Fill(0.5);
        vector.Gradient.Span.Fill(0.5);
        optimizer.Step();
        var state = optimizer.SaveState();
        var w = state.Parameters["w"];
        var b = state.Parameters["b"];
        Assert.Equal(["col_var", "row_var", "variance"], w.Buffers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, w.Buffers["row_var"].Length);
        Assert.Equal(3, w.Buffers["col_var"].Length);
        Assert.Empty(w.Buffers["variance"]);
        Assert.Equal(2, b.Buffers["variance"].Length);
        Assert.Empty(b.Buffers["row_var"]);
        Assert.Equal(1, w.Step);
    }

    [Fact]
    public void HigherRankTensors_FactorTheLastTwoDimensionsPerLeadingIndex()
    {
        // A [2,2,3] tensor is two independent [2,3] matrices: it must move exactly like two separate parameters.
        double[] init = [.. Enumerable.Range(0, 12).Select(i => Math.Sin(i + 1.0))];
        double[] grad = [.. Enumerable.Range(0, 12).Select(i => Math.Cos((0.7 * i) + 0.3))];
        var whole = new Parameter<double>("w", (double[])init.Clone(), 2, 2, 3);
        var first = new Parameter<double>("a", init[..6], 2, 3);
        var second = new Parameter<double>("b", init[6..], 2, 3);
        var options = new AdafactorOptions { LearningRate = 0.05, WeightDecay = 0.1 };
        var joint = new Adafactor<double>([whole], options);
        var split = new Adafactor<double>([first], options);
        var split2 = new Adafactor<double>([second], options);
        for (int t = 0; t < 5; t++)
        {
            grad.CopyTo(whole.Gradient.Span);
            grad.AsSpan(0, 6).CopyTo(first.Gradient.Span);
            grad.AsSpan(6).CopyTo(second.Gradient.Span);
            joint.Step();
            split.Step();
            split2.Step();
        }

        // The clipping RMS and α use the whole tensor, so compare the factors rather than the values.
        var joined = joint.SaveState().Parameters["w"].Buffers;
        Assert.Equal([.. split.SaveState().Parameters["a"].Buffers["row_var"], .. split2.SaveState().Parameters["b"].Buffers["row_var"]], joined["row_var"]);
        Assert.Equal([.. split.SaveState().Parameters["a"].Buffers["col_var"], .. split2.SaveState().Parameters["b"].Buffers["col_var"]], joined["col_var"]);
    }

    [Fact]
    public void SaveThenLoad_ContinuesBitIdentically()
    {
        static Adafactor<double> Build(double[] w, double[] b) => new(
            [new Parameter<double>("w", w, 2, 3), new Parameter<double>("b", b)],
            new AdafactorOptions { LearningRate = 0.1, WeightDecay = 0.01, Maximize = true });
        static void Feed(Adafactor<double> opt, int t)
        {
            foreach (var p in opt.Groups[0].Parameters)
            {
                for (int i = 0; i < p.Length; i++)
                {
                    p.Gradient.Span[i] = p.Value.Span[i] + Math.Cos(t + i);
                }
            }

            opt.Step();
        }

        double[] w0 = [1.0, -2.0, 3.0, 0.5, -0.25, 2.0];
        double[] b0 = [0.3, -0.7];
        var straight = Build((double[])w0.Clone(), (double[])b0.Clone());
        for (int t = 0; t < 9; t++)
        {
            Feed(straight, t);
        }

        var first = Build((double[])w0.Clone(), (double[])b0.Clone());
        for (int t = 0; t < 4; t++)
        {
            Feed(first, t);
        }

        var resumed = Build(first.Groups[0].Parameters[0].Value.ToArray(), first.Groups[0].Parameters[1].Value.ToArray());
        resumed.LoadState(first.SaveState());
        for (int t = 4; t < 9; t++)
        {
            Feed(resumed, t);
        }

        for (int k = 0; k < 2; k++)
        {
            Assert.Equal(straight.Groups[0].Parameters[k].Value.ToArray(), resumed.Groups[0].Parameters[k].Value.ToArray());
        }
    }

    [Fact]
    public void Step_AllocatesNothingAfterTheFirst()
    {
        var w = new Parameter<float>("w", new float[64 * 32], 64, 32);
        var b = new Parameter<float>("b", new float[32]);
        w.Gradient.Span.Fill(0.25f);
        b.Gradient.Span.Fill(-0.5f);
        var optimizer = new Adafactor<float>([w, b]);
        var scheduler = EveryStepSchedule.Attach(optimizer);
        for (int t = 0; t < 2; t++)
        {
            optimizer.Step();
            scheduler.Step();
        }

        var scheduled = EveryStepSchedule.Values(optimizer);
        long before = GC.GetAllocatedBytesForCurrentThread();
        optimizer.Step();
        scheduler.Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        EveryStepSchedule.AssertMoved(optimizer, scheduled);
    }

    [Theory]
    [InlineData(nameof(AdafactorOptions.LearningRate), -0.1, "≥ 0")]
    [InlineData(nameof(AdafactorOptions.Beta2Decay), 0.5, "≤ 0")]
    [InlineData(nameof(AdafactorOptions.Epsilon1), -1e-3, "≥ 0")]
    [InlineData(nameof(AdafactorOptions.Epsilon2), -1e-3, "≥ 0")]
    [InlineData(nameof(AdafactorOptions.ClippingThreshold), 0.5, "≥ 1")]
    [InlineData(nameof(AdafactorOptions.WeightDecay), -1.0, "≥ 0")]
    public void InvalidOption_Throws_NamingOptionValueAndRange(string option, double value, string range)
    {
        var options = option switch
        {
            nameof(AdafactorOptions.LearningRate) => new AdafactorOptions { LearningRate = value },
            nameof(AdafactorOptions.Beta2Decay) => new AdafactorOptions { Beta2Decay = value },
            nameof(AdafactorOptions.Epsilon1) => new AdafactorOptions { Epsilon1 = value },
            nameof(AdafactorOptions.Epsilon2) => new AdafactorOptions { Epsilon2 = value },
            nameof(AdafactorOptions.ClippingThreshold) => new AdafactorOptions { ClippingThreshold = value },
            _ => new AdafactorOptions { WeightDecay = value },
        };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Adafactor<double>([new Parameter<double>("w", [1.0])], options));
        Assert.Equal(option, ex.ParamName);
        Assert.Contains(range, ex.Message, StringComparison.Ordinal);
        Assert.Contains(Guard.Format(value), ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> Shapes => new() { "vector", "rows", "columns" };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Vectorized_MatchesScalar_ForAllLengths(string layout)
    {
        for (int length = 0; length <= 257; length++)
        {
            int[] shape = layout switch
            {
                "vector" => [length],
                "rows" => [3, length],
                _ => [length, 2],
            };
            AssertPathsAgree<double>(shape, length);
            AssertPathsAgree<float>(shape, length);
        }
    }

    private static void AssertPathsAgree<T>(int[] shape, int length)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        // Every width, accelerated or emulated: each must give the scalar reference's bits on any machine.
        foreach (var path in (KernelPath[])[KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vector512])
        {
            AssertPathAgrees<T>(shape, length, path);
        }
    }

    private static void AssertPathAgrees<T>(int[] shape, int length, KernelPath path)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int size = shape.Aggregate(1, (a, b) => a * b);
        T[] init = [.. Enumerable.Range(0, size).Select(i => T.CreateTruncating(Math.Sin((0.37 * i) + 1)))];
        var options = new AdafactorOptions { LearningRate = 0.05, WeightDecay = 0.1, Maximize = length % 2 == 1 };
        var scalarParameter = new Parameter<T>("w", (T[])init.Clone(), shape);
        var vectorParameter = new Parameter<T>("w", (T[])init.Clone(), shape);
        var scalar = new Adafactor<T>([scalarParameter], options) { KernelPath = KernelPath.Scalar };
        var vector = new Adafactor<T>([vectorParameter], options) { KernelPath = path };
        for (int t = 0; t < 3; t++)
        {
            for (int i = 0; i < size; i++)
            {
                // Magnitudes spread over decades so that both lerp forms and the ε floors are exercised.
                T g = T.CreateTruncating(Math.Cos((0.91 * i) + t) * Math.Pow(10, (i % 7) - 4));
                scalarParameter.Gradient.Span[i] = g;
                vectorParameter.Gradient.Span[i] = g;
            }

            scalar.Step();
            vector.Step();
        }

        Assert.True(
            scalarParameter.Value.Span.SequenceEqual(vectorParameter.Value.Span),
            $"{typeof(T).Name} [{string.Join(", ", shape)}] (length {length}), {path}: vectorized differs from scalar");
        var a = scalar.SaveState().Parameters["w"].Buffers;
        var b = vector.SaveState().Parameters["w"].Buffers;
        foreach (string key in a.Keys)
        {
            Assert.True(a[key].AsSpan().SequenceEqual(b[key]), $"{typeof(T).Name} [{string.Join(", ", shape)}], {path}: state '{key}' differs");
        }
    }
}
