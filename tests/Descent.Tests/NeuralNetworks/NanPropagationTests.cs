using System.Numerics;
using System.Runtime.InteropServices;
using Descent.Clipping;
using Descent.NeuralNetworks;
using Descent.Numerics;
using Descent.Optimizers;
using Descent.Optimizers.Kernels;
using Descent.Randomness;
using Descent.Tests.Optimizers;

namespace Descent.Tests.NeuralNetworks;

/// <summary>
/// NaN goes in, NaN comes out — on every kernel path (scalar, 256, 512), with flush-to-zero on and off — so
/// a diverging run shows NaN in its loss instead of a plausible number (PyTorch's <c>relu(NaN)</c> is NaN).
/// </summary>
public class NanPropagationTests
{
    private static readonly KernelPath[] Paths = [KernelPath.Scalar, KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vector512, KernelPath.Auto];

    public static TheoryData<bool> Flush => [false, true];

    [Theory]
    [MemberData(nameof(Flush))]
    public void ReluForward_KeepsNaN_OnEveryPath(bool flush)
    {
        using var scope = FlushScope(flush);
        ReluForward<float>();
        ReluForward<double>();
    }

    [Theory]
    [MemberData(nameof(Flush))]
    public void ReluBackward_PassesTheGradientOfANaNOutput_OnEveryPath(bool flush)
    {
        using var scope = FlushScope(flush);
        ReluBackward<float>();
        ReluBackward<double>();
    }

    [Theory]
    [MemberData(nameof(Flush))]
    public void Clamp_KeepsNaN_OnEveryPath(bool flush)
    {
        using var scope = FlushScope(flush);
        Clamp<float>();
        Clamp<double>();
    }

    [Theory]
    [MemberData(nameof(Flush))]
    public void EveryLayer_TurnsANaNInputIntoANaNOutput(bool flush)
    {
        using var scope = FlushScope(flush);
        foreach (var (name, layer) in Layers())
        {
            double[] x = [.. Enumerable.Range(0, 4 * layer.InputSize).Select(i => (i % 5) - 2.0)];
            x[layer.InputSize + 1] = double.NaN;
            var y = layer.Forward(x, 4, training: true).Span;
            Assert.True(double.IsNaN(y[layer.OutputSize]) || double.IsNaN(y[layer.OutputSize + 1]), $"{name}: NaN in example 1 did not reach its output (flush {flush}).");
        }
    }

    [Theory]
    [MemberData(nameof(Flush))]
    public void Network_NaNWeight_GivesANaNLoss(bool flush)
    {
        using var scope = FlushScope(flush);
        foreach (var activation in (Activation[])[Activation.Relu, Activation.Sigmoid, Activation.Tanh])
        {
            var network = new MultiLayerNet<float>(20, [16, 16], 3, activation, null, 0, new SeededRandom(3));
            network.Parameters[2].Value.Span[5] = float.NaN;
            float[] x = [.. Enumerable.Range(0, 8 * 20).Select(i => i % 7 / 7f)];
            int[] labels = [0, 1, 2, 0, 1, 2, 0, 1];
            Assert.True(float.IsNaN(network.Loss(x, 8, labels)), $"{activation}: a NaN weight left the loss finite (flush {flush}).");
            Assert.True(float.IsNaN(network.ComputeGradients(x, 8, labels)), $"{activation}: ComputeGradients hid the NaN (flush {flush}).");
        }
    }

    [Theory]
    [MemberData(nameof(Flush))]
    public void ClipByValue_KeepsNaN(bool flush)
    {
        using var scope = FlushScope(flush);
        var p = new Parameter<float>("w", new float[40]);
        p.Gradient.Span.Fill(5);
        p.Gradient.Span[33] = float.NaN;
        GradientClipping.ClipByValue([p], 1.0);
        Assert.True(float.IsNaN(p.Gradient.Span[33]));
        Assert.Equal(1f, p.Gradient.Span[32]);
    }

    [Fact]
    public void ClipByGlobalNorm_InfinityNorm_SeesNaN()
    {
        var p = new Parameter<double>("w", new double[40]);
        p.Gradient.Span.Fill(-5);
        p.Gradient.Span[17] = double.NaN;
        Assert.Throws<NonFiniteGradientException>(() => GradientClipping.ClipByGlobalNorm([p], 1.0, double.PositiveInfinity, errorIfNonFinite: true));
    }

    /// <summary>Every optimizer kernel: a NaN gradient element makes that parameter NaN, on every path, flush on and off.</summary>
    [Theory]
    [MemberData(nameof(OptimizerCases))]
    public void Optimizer_NaNGradient_MakesTheParameterNaN_OnEveryPath(string specification, bool flush)
    {
        using var scope = FlushScope(flush);
        foreach (var path in Paths)
        {
            foreach (int length in (int[])[1, 7, 8, 17, 40])
            {
                int at = length / 2;
                double[] values = [.. Enumerable.Range(0, length).Select(i => 0.25 + (0.01 * i))];
                var parameter = new Parameter<double>("w", values);
                var optimizer = OptimizerCatalog.Create(specification, [parameter]);
                PyTorchGoldenTests.Pin(optimizer, path);
                for (int step = 0; step < 2; step++)
                {
                    var g = parameter.Gradient.Span;
                    for (int i = 0; i < length; i++)
                    {
                        g[i] = i == at ? double.NaN : 0.5 - (0.03 * i);
                    }

                    optimizer.Step();
                }

                Assert.True(double.IsNaN(values[at]), $"{specification}, {path}, length {length}, flush {flush}: the parameter is {values[at]} after a NaN gradient.");
            }
        }
    }

    public static TheoryData<string, bool> OptimizerCases()
    {
        var data = new TheoryData<string, bool>();
        foreach (string specification in KernelPathTests.Kernels)
        {
            data.Add(specification, false);
            data.Add(specification, true);
        }

        return data;
    }

    private static Denormals.FlushScope? FlushScope(bool flush) => flush && Denormals.IsSupported ? Denormals.Flush() : null;

    private static T[] Inputs<T>(int length, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        T[] special = [T.NaN, -T.NaN, T.PositiveInfinity, T.NegativeInfinity, T.Zero, T.NegativeZero, T.Epsilon, -T.Epsilon, T.One, -T.One];
        return [.. Enumerable.Range(0, length).Select(_ => random.Next(3) == 0 ? special[random.Next(special.Length)] : T.CreateTruncating((random.NextDouble() * 4) - 2))];
    }

    private static void ReluForward<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int length = 0; length <= 67; length++)
        {
            T[] x = Inputs<T>(length, length);
            T[] reference = new T[length];
            Activations.ReluForward<T>(x, reference, KernelPath.Scalar);
            for (int i = 0; i < length; i++)
            {
                T expected = T.IsNaN(x[i]) ? x[i] : x[i] > T.Zero ? x[i] : T.Zero;
                Assert.True(Same(expected, reference[i]), $"{typeof(T).Name} relu({x[i]}) = {reference[i]}, expected {expected}.");
            }

            foreach (var path in Paths)
            {
                T[] y = new T[length];
                Activations.ReluForward<T>(x, y, path);
                AssertSame(reference, y, $"relu {typeof(T).Name} {path} length {length}");
                T[] inPlace = (T[])x.Clone();
                Activations.ReluForward<T>(inPlace, inPlace, path);
                AssertSame(reference, inPlace, $"relu in place {typeof(T).Name} {path} length {length}");
            }
        }
    }

    private static void ReluBackward<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int length = 0; length <= 67; length++)
        {
            T[] y = Inputs<T>(length, length + 100);
            T[] dy = Inputs<T>(length, length + 200);
            T[] reference = new T[length];
            Activations.ReluBackward<T>(y, dy, reference, KernelPath.Scalar);
            for (int i = 0; i < length; i++)
            {
                // threshold_backward: 0 where the output is ≤ 0, else the incoming gradient (NaN output included).
                T expected = y[i] <= T.Zero ? T.Zero : dy[i];
                Assert.True(Same(expected, reference[i]), $"{typeof(T).Name} relu'({y[i]})·{dy[i]} = {reference[i]}, expected {expected}.");
            }

            foreach (var path in Paths)
            {
                T[] dx = new T[length];
                Activations.ReluBackward<T>(y, dy, dx, path);
                AssertSame(reference, dx, $"relu backward {typeof(T).Name} {path} length {length}");
            }
        }
    }

    private static void Clamp<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T low = T.CreateTruncating(-0.5), high = T.CreateTruncating(0.75);
        for (int length = 0; length <= 67; length++)
        {
            T[] x = Inputs<T>(length, length + 300);
            T[] reference = (T[])x.Clone();
            Activations.Clamp<T>(reference, low, high, KernelPath.Scalar);
            for (int i = 0; i < length; i++)
            {
                Assert.True(T.IsNaN(x[i]) ? T.IsNaN(reference[i]) : reference[i] == T.Clamp(x[i], low, high), $"clamp({x[i]}) = {reference[i]}");
            }

            foreach (var path in Paths)
            {
                T[] y = (T[])x.Clone();
                Activations.Clamp<T>(y, low, high, path);
                AssertSame(reference, y, $"clamp {typeof(T).Name} {path} length {length}");
            }
        }
    }

    private static IEnumerable<(string Name, Layer<double> Layer)> Layers()
    {
        var affine = Affine<double>.Create(6, 5);
        affine.Weight.Value.Span.Fill(0.1);
        var fused = new Affine<double>(new Parameter<double>("W", new double[30], [6, 5]), new Parameter<double>("b", new double[5]), fuseRelu: true);
        fused.Weight.Value.Span.Fill(-0.1);
        yield return ("Affine", affine);
        yield return ("Affine+ReLU (negative weights, so only NaN can pass)", fused);
        yield return ("ReLU", new Relu<double>(6));
        yield return ("Sigmoid", new Sigmoid<double>(6));
        yield return ("Tanh", new Tanh<double>(6));
        yield return ("BatchNorm", BatchNorm<double>.Create(6));
        yield return ("Dropout", new Dropout<double>(6, 0.5, new SeededRandom(1)));
    }

    private static bool Same<T>(T a, T b)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        T.IsNaN(a) ? T.IsNaN(b) : MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in a)).SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in b)));

    private static void AssertSame<T>(T[] expected, T[] actual, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Same(expected[i], actual[i]), $"{what}: element {i} is {actual[i]}, the scalar reference gives {expected[i]}.");
        }
    }
}
