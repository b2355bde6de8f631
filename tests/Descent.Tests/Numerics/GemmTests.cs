using System.Numerics;
using Descent.Numerics;

namespace Descent.Tests.Numerics;

public class GemmTests
{
    // Awkward shapes: empty, single rows/columns, primes, one past the micro-tile (MR 8 or 6, NR 32/16/8),
    // more rows than an A block (MC 192), deeper than a packed block (KC 256 floats, 128 doubles),
    // wider than a B block (NC 4096).
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 0, 5, 7 }, { 5, 0, 7 }, { 5, 7, 0 }, { 1, 1, 1 }, { 1, 37, 1 }, { 1, 13, 67 }, { 67, 13, 1 },
        { 2, 3, 5 }, { 7, 11, 13 }, { 8, 16, 32 }, { 9, 17, 33 }, { 6, 5, 16 }, { 13, 31, 100 },
        { 31, 300, 17 }, { 3, 1031, 5 }, { 197, 19, 41 }, { 2, 3, 4103 }, { 64, 257, 48 },
    };

    public static TheoryData<bool, bool> Transposes => new() { { false, false }, { true, false }, { false, true }, { true, true } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float_MatchesReference_ForEveryTransposeVariantAndVectorWidth(int m, int k, int n)
    {
        foreach (var isa in new[] { GemmIsa.Vector512, GemmIsa.Vector256 })
        {
            foreach (var (ta, tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
            {
                AssertMatchesReference<float>(m, k, n, ta, tb, 1f, 0f, isa);
                AssertMatchesReference<float>(m, k, n, ta, tb, -0.75f, 1.5f, isa);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Double_MatchesReference_ForEveryTransposeVariantAndVectorWidth(int m, int k, int n)
    {
        foreach (var isa in new[] { GemmIsa.Vector512, GemmIsa.Vector256 })
        {
            foreach (var (ta, tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
            {
                AssertMatchesReference<double>(m, k, n, ta, tb, 1.0, 0.0, isa);
                AssertMatchesReference<double>(m, k, n, ta, tb, 2.0, 1.0, isa);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Transposes))]
    public void Multiply_MatchesDefinition_ForEveryTransposeVariant(bool ta, bool tb)
    {
        const int m = 3, k = 4, n = 5;
        double[] a = [.. Enumerable.Range(0, m * k).Select(i => Math.Sin(i + 1))];
        double[] b = [.. Enumerable.Range(0, k * n).Select(i => Math.Cos(i * 0.5))];
        double[] c = [.. Enumerable.Range(0, m * n).Select(i => (double)i)];
        double[] expected = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    s += (ta ? a[(p * m) + i] : a[(i * k) + p]) * (tb ? b[(j * k) + p] : b[(p * n) + j]);
                }

                expected[(i * n) + j] = (2 * s) + (0.5 * c[(i * n) + j]);
            }
        }

        Gemm.Multiply<double>(a, b, c, m, k, n, ta, tb, alpha: 2, beta: 0.5);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], c[i], 1e-12);
        }
    }

    [Theory]
    [InlineData(7, 300, 45)]
    [InlineData(0, 0, 0)]
    [InlineData(5, 0, 3)]
    public void BetaZero_IgnoresNaNInC(int m, int k, int n)
    {
        float[] a = Random(m * k, 1);
        float[] b = Random(k * n, 2);
        float[] c = new float[m * n];
        c.AsSpan().Fill(float.NaN);
        Gemm.Multiply<float>(a, b, c, m, k, n);
        float[] expected = new float[m * n];
        Gemm.Reference<float>(a, b, expected, m, k, n, false, false, 1f, 0f);
        Assert.All(c, x => Assert.True(float.IsFinite(x)));
        AssertClose(expected, c, Bound<float>(a, b, new float[m * n], m, k, n, false, false, 1f, 0f), k);
    }

    [Fact]
    public void DepthZero_ScalesC_ByBeta()
    {
        double[] c = [1, 2, 3, 4, 5, 6];
        Gemm.Multiply<double>([], [], c, 2, 0, 3, beta: 0.5);
        Assert.Equal([0.5, 1, 1.5, 2, 2.5, 3], c);
    }

    [Fact]
    public void AlphaZero_ScalesC_ByBeta_AndIgnoresNaNInOperands()
    {
        double[] a = [double.NaN, 1, 2, 3];
        double[] c = [1, 2, 3, 4];
        Gemm.Multiply<double>(a, a, c, 2, 2, 2, alpha: 0.0, beta: 2.0);
        Assert.Equal([2, 4, 6, 8], c);
    }

    [Theory]
    [InlineData(130, 257, 67, false, false)] // more rows than columns: split into row stripes
    [InlineData(70, 129, 300, false, true)] // more columns: split into column stripes
    [InlineData(200, 100, 120, true, false)]
    [InlineData(37, 500, 301, true, true)]
    public void TwoThreads_EqualOneThread_BitForBit(int m, int k, int n, bool ta, bool tb)
    {
        Assert.True((long)m * k * n >= Gemm.ParallelThreshold);
        foreach (var isa in new[] { GemmIsa.Vector512, GemmIsa.Vector256 })
        {
            float[] a = Random(m * k, 3);
            float[] b = Random(k * n, 4);
            float[] c0 = Random(m * n, 5);
            float[] one = (float[])c0.Clone();
            float[] two = (float[])c0.Clone();
            float[] three = (float[])c0.Clone();
            Gemm.Run<float>(a, b, one, m, k, n, ta, tb, 0.5f, 0.25f, threads: 1, isa);
            Gemm.Run<float>(a, b, two, m, k, n, ta, tb, 0.5f, 0.25f, threads: 2, isa);
            Gemm.Run<float>(a, b, three, m, k, n, ta, tb, 0.5f, 0.25f, threads: 3, isa, helpers: new HelpersFirst());
            Assert.Equal(one, two);
            Assert.Equal(one, three);

            double[] ad = [.. a.Select(x => (double)x)];
            double[] bd = [.. b.Select(x => (double)x)];
            double[] oneD = new double[m * n];
            double[] twoD = new double[m * n];
            Gemm.Run<double>(ad, bd, oneD, m, k, n, ta, tb, 1.0, 0.0, threads: 1, isa);
            Gemm.Run<double>(ad, bd, twoD, m, k, n, ta, tb, 1.0, 0.0, threads: 2, isa, helpers: new HelpersFirst());
            Assert.Equal(oneD, twoD);
        }
    }

    [Fact]
    public void ConcurrentCallers_EachGetTheSingleThreadedResult()
    {
        const int m = 96, k = 200, n = 120;
        float[] a = Random(m * k, 8);
        float[] b = Random(k * n, 9);
        float[] expected = new float[m * n];
        Gemm.Run<float>(a, b, expected, m, k, n, false, true, 1f, 0f, threads: 1, Gemm.DefaultIsa);
        var results = new float[8][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            results[i] = new float[m * n];
            for (int repeat = 0; repeat < 20; repeat++)
            {
                Gemm.Multiply<float>(a, b, results[i], m, k, n, transposeB: true);
            }
        });
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void HelperThreads_FollowTheCallersFlushToZero()
    {
        if (!Denormals.IsSupported)
        {
            return;
        }

        // Products of 1e-20f pairs are subnormal (1e-40): flushed to zero only where FTZ is on.
        const int m = 128, k = 128, n = 128;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        a.AsSpan().Fill(1e-20f);
        b.AsSpan().Fill(1e-20f);
        foreach (bool flush in new[] { true, false, true })
        {
            using var scope = Denormals.Flush(flush);
            float[] one = new float[m * n];
            float[] all = new float[m * n];
            Gemm.Run<float>(a, b, one, m, k, n, false, false, 1f, 0f, threads: 1, Gemm.DefaultIsa);
            Assert.Equal(flush ? 0f : 128 * 1e-40f, one[0], flush ? 0f : 1e-42f);
            Gemm.Run<float>(a, b, all, m, k, n, false, false, 1f, 0f, threads: 2, Gemm.DefaultIsa, helpers: new HelpersFirst());
            Assert.Equal(one, all);
        }
    }

    [Fact]
    public void DefaultContext_AsksForOneHelperPerProcessorBeyondTheCaller_AndMatchesReference()
    {
        const int m = 128, k = 784, n = 100;
        float[] a = Random(m * k, 11);
        float[] b = Random(k * n, 12);
        float[] expected = new float[m * n];
        Gemm.Reference<float>(a, b, expected, m, k, n, false, false, 1f, 0f);
        float[] c = new float[m * n];
        var helpers = new HelpersFirst();
        Gemm.Multiply<float>(a, b, c, m, k, n, false, false, 1f, 0f, GemmContext.Default with { Helpers = helpers });
        Assert.Equal(Environment.ProcessorCount - 1, helpers.Requested);
        Assert.Equal(Environment.ProcessorCount - 1, helpers.Ran);
        AssertClose(expected, c, Bound(a, b, new float[m * n], m, k, n, false, false, 1f, 0f), k);

        // Below the threshold, or with one thread, no helper is asked.
        var none = new HelpersFirst();
        Gemm.Multiply<float>(a, b, c, m, k, n, false, false, 1f, 0f, GemmContext.SingleThreaded with { Helpers = none });
        Gemm.Multiply<float>(a, b, c, 8, 8, 8, false, false, 1f, 0f, GemmContext.Default with { Helpers = none });
        Assert.Equal(0, none.Calls);
    }

    [Fact]
    public void SharedWorkers_WakeEveryHelperAskedFor()
    {
        // The work holds the caller until every helper has joined it (or 10 s pass); another test's product may hold
        // the helpers for a moment, so try again until they are free.
        int parties = Environment.ProcessorCount;
        Rendezvous work;
        int attempts = 0;
        do
        {
            work = new Rendezvous(parties);
            attempts++;
        }
        while (!GemmWorkers.Shared.TryRun(work, parties - 1) && attempts < 1000 && Sleep());

        Assert.Equal(parties, work.Threads.Count);
    }

    [Fact]
    public void SharedWorkers_JoinBackToBackProducts_WhetherSpinningOrWoken()
    {
        // Products posted at once after each other find the helper still spinning; products a few milliseconds apart
        // find it asleep, with a stale wake-up from the spun ones still counted. Every product must be joined either way.
        int parties = Environment.ProcessorCount;
        for (int i = 0; i < 40; i++)
        {
            Rendezvous work;
            int attempts = 0;
            do
            {
                work = new Rendezvous(parties);
                attempts++;
            }
            while (!GemmWorkers.Shared.TryRun(work, parties - 1) && attempts < 1000 && Sleep());

            Assert.Equal(parties, work.Threads.Count);
            if (i % 10 == 9)
            {
                Thread.Sleep(5);
            }
        }
    }

    [Fact]
    public void RepeatedCalls_DoNotAllocate_AfterTheFirst()
    {
        float[] a = Random(128 * 100, 6);
        float[] b = Random(100 * 100, 7);
        float[] c = new float[128 * 100];
        Gemm.Multiply<float>(a, b, c, 128, 100, 100, false, false, 1f, 0f, GemmContext.SingleThreaded);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            Gemm.Multiply<float>(a, b, c, 128, 100, 100, false, false, 1f, 0f, GemmContext.SingleThreaded);
            Gemm.Multiply<float>(a, b, c, 128, 100, 100, true, true, 1f, 0f, GemmContext.SingleThreaded);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void BadShapes_AreRejected_WithTheNameOfTheBuffer()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(new float[5], new float[6], new float[4], 2, 3, 2));
        Assert.Equal("a", e.ParamName);
        Assert.Contains("needs 6", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply<float>([], [], [], -1, 0, 0));
        var p = Assert.Throws<ArgumentOutOfRangeException>(() => new GemmContext { Threads = 0 });
        Assert.Equal("Threads", p.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GemmContext { Threads = -2 });
        Assert.Throws<ArgumentNullException>(() => Gemm.Multiply<float>([], [], [], 0, 0, 0, false, false, 1f, 0f, null!));
    }

    private static bool Sleep()
    {
        Thread.Sleep(10);
        return true;
    }

    /// <summary>Helpers that run the whole product on their own threads before the caller starts, so a test checks their results.</summary>
    private sealed class HelpersFirst : IGemmHelpers
    {
        public int Calls { get; private set; }

        public int Requested { get; private set; }

        public int Ran;

        public bool TryRun(GemmWork work, int helpers)
        {
            Calls++;
            Requested = helpers;
            var threads = Enumerable.Range(0, helpers).Select(_ => new Thread(() =>
            {
                work.Work();
                Interlocked.Increment(ref Ran);
            })).ToArray();
            foreach (var thread in threads)
            {
                thread.Start();
            }

            foreach (var thread in threads)
            {
                thread.Join();
            }

            work.Work();
            return true;
        }
    }

    /// <summary>Work that records each thread entering it and waits until <c>parties</c> threads have.</summary>
    private sealed class Rendezvous(int parties) : GemmWork
    {
        public System.Collections.Concurrent.ConcurrentDictionary<int, bool> Threads { get; } = new();

        public override void Work()
        {
            Threads[Environment.CurrentManagedThreadId] = true;
            long start = Environment.TickCount64;
            while (Threads.Count < parties && Environment.TickCount64 - start < 10_000)
            {
                Thread.Sleep(1);
            }
        }
    }

    private static void AssertMatchesReference<T>(int m, int k, int n, bool ta, bool tb, T alpha, T beta, GemmIsa isa, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] a = Random<T>(m * k, (m * 31) + k);
        T[] b = Random<T>(k * n, (n * 17) + k);
        T[] c = Random<T>(m * n, m + n);
        T[] expected = (T[])c.Clone();
        T[] bound = Bound(a, b, c, m, k, n, ta, tb, alpha, beta);
        Gemm.Reference<T>(a, b, expected, m, k, n, ta, tb, alpha, beta);
        Gemm.Run<T>(a, b, c, m, k, n, ta, tb, alpha, beta, threads, isa);
        AssertClose(expected, c, bound, k);
    }

    /// <summary>|α|·|op(A)|·|op(B)| + |β|·|C|: the classic forward-error bound is (k+2)·ε times this.</summary>
    private static T[] Bound<T>(T[] a, T[] b, T[] c, int m, int k, int n, bool ta, bool tb, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] bound = [.. c.Select(T.Abs)];
        Gemm.Reference<T>([.. a.Select(T.Abs)], [.. b.Select(T.Abs)], bound, m, k, n, ta, tb, T.Abs(alpha), T.Abs(beta));
        return bound;
    }

    private static void AssertClose<T>(T[] expected, T[] actual, T[] bound, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Both results carry at most (k+2)·u·bound of rounding (u the unit roundoff); the two errors add.
        T unit = T.CreateChecked(typeof(T) == typeof(float) ? 0.5 * 1.1920929e-7 : 0.5 * 2.220446049250313e-16);
        T allowedScale = T.CreateChecked(2 * (k + 2)) * unit;
        for (int i = 0; i < expected.Length; i++)
        {
            T allowed = allowedScale * bound[i];
            Assert.True(
                T.Abs(expected[i] - actual[i]) <= allowed,
                $"element {i}: expected {expected[i]}, got {actual[i]}, allowed error {allowed}");
        }
    }

    private static float[] Random(int length, int seed) => Random<float>(length, seed);

    private static T[] Random<T>(int length, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var values = new T[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = T.CreateChecked((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
