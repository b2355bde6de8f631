using System.Runtime.CompilerServices;
using Descent.NeuralNetworks;
using Descent.Numerics;

namespace Descent.Tests.Numerics;

public class DenormalsTests
{
    // Runs on a thread of its own so the test runner's threads keep IEEE behaviour whatever happens.
    private static T OnDedicatedThread<T>(Func<T> body)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = body();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                error = ex;
            }
        });
        thread.Start();
        thread.Join();
        return error is null ? result : throw new InvalidOperationException("The dedicated thread failed.", error);
    }

    // Not inlined, so the JIT cannot fold the arithmetic at compile time (under IEEE rules).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Multiply(double a, double b) => a * b;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Multiply(float a, float b) => a * b;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Add(double a, double b) => a + b;

    private static void AssertUnsupportedIsReported()
    {
        Assert.False(Denormals.TrySetFlushToZero(true));
        Assert.False(Denormals.FlushToZero);
        Assert.Throws<PlatformNotSupportedException>(() => Denormals.FlushToZero = true);
    }

    [Fact]
    public void IsSupported_OnThisMachine()
    {
        // CI and the lab run on x86-64 Linux with glibc; elsewhere the switch reports false instead.
        Assert.Equal(OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64, Denormals.IsSupported);
    }

    [Fact]
    public void FlushOn_MakesSubnormalResultsZero_AndOffRestoresIeee()
    {
        if (!Denormals.IsSupported)
        {
            AssertUnsupportedIsReported();
            return;
        }

        var (before, on, onFloat, onInput, after, afterFloat, stateOn, stateOff) = OnDedicatedThread(() =>
        {
            double b = Multiply(1e-300, 1e-10);
            Denormals.FlushToZero = true;
            double o = Multiply(1e-300, 1e-10);
            float of = Multiply(1e-30f, 1e-10f);
            double oi = Add(double.Epsilon, 0.0);
            bool s1 = Denormals.FlushToZero;
            Denormals.FlushToZero = false;
            bool s2 = Denormals.FlushToZero;
            return (b, o, of, oi, Multiply(1e-300, 1e-10), Multiply(1e-30f, 1e-10f), s1, s2);
        });
        Assert.True(double.IsSubnormal(before));
        Assert.Equal(0.0, on);
        Assert.Equal(0f, onFloat);
        Assert.Equal(0.0, onInput);
        Assert.True(stateOn);
        Assert.False(stateOff);
        Assert.True(double.IsSubnormal(after));
        Assert.Equal(before, after);
        Assert.True(float.IsSubnormal(afterFloat));
    }

    [Fact]
    public void FlushScope_RestoresThePreviousSetting()
    {
        if (!Denormals.IsSupported)
        {
            AssertUnsupportedIsReported();
            return;
        }

        var (inside, product, outside) = OnDedicatedThread(() =>
        {
            bool i;
            double p;
            using (Denormals.Flush())
            {
                i = Denormals.FlushToZero;
                p = Multiply(1e-300, 1e-10);
            }

            return (i, p, Denormals.FlushToZero);
        });
        Assert.True(inside);
        Assert.Equal(0.0, product);
        Assert.False(outside);
    }

    [Fact]
    public void Setting_IsPerThread()
    {
        if (!Denormals.IsSupported)
        {
            AssertUnsupportedIsReported();
            return;
        }

        // A thread that already runs keeps its own register when another thread switches.
        using var switched = new ManualResetEventSlim();
        bool other = true;
        var observer = new Thread(() =>
        {
            switched.Wait();
            other = Denormals.FlushToZero;
        });
        observer.Start();
        bool mine = OnDedicatedThread(() =>
        {
            Denormals.FlushToZero = true;
            switched.Set();
            observer.Join();
            return Denormals.FlushToZero;
        });
        Assert.True(mine);
        Assert.False(other);
        Assert.False(Denormals.FlushToZero);
    }

    [Fact]
    public void NetworkAccuracy_IsTheSameWithFlushOn()
    {
        // TensorPrimitives.IndexOfMax returns 0 under FTZ/DAZ (it keeps indices in float lanes); the accuracy must not.
        var network = new MultiLayerNet<float>(6, [8], 5);
        float[] inputs = [.. Enumerable.Range(0, 40 * 6).Select(i => (float)Math.Sin(0.7 * i))];
        var logits = network.Predict(inputs, 40).ToArray();
        int[] labels = [.. Enumerable.Range(0, 40).Select(r =>
        {
            var row = logits.AsSpan(r * 5, 5);
            int best = 0;
            for (int j = 1; j < 5; j++)
            {
                best = row[j] > row[best] ? j : best;
            }

            return best;
        })];
        Assert.Contains(labels, l => l != 0);
        Assert.Equal(1.0, network.Accuracy(inputs, 40, labels));
        if (!Denormals.IsSupported)
        {
            AssertUnsupportedIsReported();
            return;
        }

        double flushed = OnDedicatedThread(() =>
        {
            using (Denormals.Flush())
            {
                return network.Accuracy(inputs, 40, labels);
            }
        });
        Assert.Equal(1.0, flushed);
    }
}
