using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Cli.Bench;

/// <summary>Rates from repeated runs of one probe: the best is the machine's limit, the spread shows the noise.</summary>
/// <param name="Best">Highest rate of any repetition.</param>
/// <param name="Median">Median rate over the repetitions.</param>
/// <param name="Worst">Lowest rate of any repetition.</param>
/// <param name="Threads">Threads that ran the probe together.</param>
public readonly record struct ProbeRates(double Best, double Median, double Worst, int Threads);

/// <summary>
/// Measures this machine's limits, the yardsticks kernels are judged against: memory bandwidth with a
/// STREAM-style triad and the fused-multiply-add peak with independent vector FMA chains.
/// </summary>
/// <remarks>
/// With several threads, each repetition starts all threads together at a barrier and is timed from that
/// barrier until the last thread is done, so the rate is what the machine sustains with every thread busy.
/// </remarks>
public static class MachineProbe
{
    /// <summary>Elements per triad array by default: 3 arrays of 16M doubles are 384 MB, far past any cache.</summary>
    public const int DefaultTriadLength = 16 << 20;

    /// <summary>FMA iterations per thread by default, each one 12 vector FMAs (about 40 ms per repetition here).</summary>
    public const long DefaultFmaIterations = 10_000_000;

    private const int Chains = 12;

    /// <summary>
    /// STREAM triad <c>a[i] = b[i] + s·c[i]</c> over double arrays, in GB/s (10⁹ bytes), counting 24 bytes
    /// per element as STREAM does (the write-allocate read of <c>a</c> is not counted).
    /// </summary>
    /// <param name="threads">Threads that share the arrays; -1 means one per processor.</param>
    /// <param name="length">Elements per array; keep it far above the last-level cache.</param>
    /// <param name="repetitions">Timed repetitions after one untimed warm-up.</param>
    /// <returns>Bandwidth in GB/s.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static ProbeRates Triad(int threads = 1, int length = DefaultTriadLength, int repetitions = 7)
    {
        threads = ResolveThreads(threads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repetitions);
        double[] a = GC.AllocateUninitializedArray<double>(length);
        double[] b = GC.AllocateUninitializedArray<double>(length);
        double[] c = GC.AllocateUninitializedArray<double>(length);

        // Each thread first touches its own slice, so pages are mapped before timing starts.
        RunTogether(threads, 1, worker =>
        {
            var (start, count) = Slice(length, threads, worker);
            a.AsSpan(start, count).Clear();
            b.AsSpan(start, count).Fill(1.0);
            c.AsSpan(start, count).Fill(2.0);
        });
        double[] seconds = RunTogether(threads, repetitions + 1, worker =>
        {
            var (start, count) = Slice(length, threads, worker);
            TensorPrimitives.MultiplyAdd(c.AsSpan(start, count), 3.0, b.AsSpan(start, count), a.AsSpan(start, count));
        });
        double bytes = 3.0 * sizeof(double) * length;
        return Rates(seconds.AsSpan(1), bytes / 1e9, threads);
    }

    /// <summary>
    /// Fused-multiply-add peak in GFLOP/s (one FMA is two floating-point operations) on float vectors of
    /// the widest accelerated size (Vector512, else Vector256), with enough independent chains per thread
    /// to hide the FMA latency on both FMA pipes.
    /// </summary>
    /// <param name="threads">Threads that run at once; -1 means one per processor.</param>
    /// <param name="iterations">Loop iterations per thread and repetition.</param>
    /// <param name="repetitions">Timed repetitions after one untimed warm-up.</param>
    /// <returns>Peak in GFLOP/s summed over the threads.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static ProbeRates FmaPeak(int threads = 1, long iterations = DefaultFmaIterations, int repetitions = 7)
    {
        threads = ResolveThreads(threads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repetitions);
        var sinks = new float[threads];
        bool wide = Vector512.IsHardwareAccelerated;
        double[] seconds = RunTogether(threads, repetitions + 1, worker =>
            sinks[worker] = wide ? FmaChains512(iterations) : FmaChains256(iterations));
        int lanes = wide ? Vector512<float>.Count : Vector256<float>.Count;
        double flops = 2.0 * Chains * lanes * iterations * threads;
        GC.KeepAlive(sinks);
        return Rates(seconds.AsSpan(1), flops / 1e9, threads);
    }

    /// <summary>
    /// One thread's FMA loop: <paramref name="iterations"/> × 12 vector FMAs (Vector512 when accelerated,
    /// else Vector256); <see cref="FmaFlops"/> gives the floating-point operations it performs.
    /// </summary>
    internal static float FmaChains(long iterations) =>
        Vector512.IsHardwareAccelerated ? FmaChains512(iterations) : FmaChains256(iterations);

    /// <summary>Floating-point operations of one <see cref="FmaChains"/> call.</summary>
    internal static double FmaFlops(long iterations) =>
        2.0 * Chains * iterations * (Vector512.IsHardwareAccelerated ? Vector512<float>.Count : Vector256<float>.Count);

    // Twelve independent chains: FMA latency (4 cycles) times two pipes needs at least eight in flight.
    // x·0.999 + 0.001 converges to 1, so the values never overflow or turn subnormal.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float FmaChains512(long iterations)
    {
        var m = Vector512.Create(0.999f);
        var d = Vector512.Create(0.001f);
        Vector512<float> x0 = Vector512.Create(0.1f), x1 = x0 + d, x2 = x1 + d, x3 = x2 + d, x4 = x3 + d, x5 = x4 + d;
        Vector512<float> x6 = x5 + d, x7 = x6 + d, x8 = x7 + d, x9 = x8 + d, x10 = x9 + d, x11 = x10 + d;
        for (long i = 0; i < iterations; i++)
        {
            x0 = Vector512.FusedMultiplyAdd(x0, m, d);
            x1 = Vector512.FusedMultiplyAdd(x1, m, d);
            x2 = Vector512.FusedMultiplyAdd(x2, m, d);
            x3 = Vector512.FusedMultiplyAdd(x3, m, d);
            x4 = Vector512.FusedMultiplyAdd(x4, m, d);
            x5 = Vector512.FusedMultiplyAdd(x5, m, d);
            x6 = Vector512.FusedMultiplyAdd(x6, m, d);
            x7 = Vector512.FusedMultiplyAdd(x7, m, d);
            x8 = Vector512.FusedMultiplyAdd(x8, m, d);
            x9 = Vector512.FusedMultiplyAdd(x9, m, d);
            x10 = Vector512.FusedMultiplyAdd(x10, m, d);
            x11 = Vector512.FusedMultiplyAdd(x11, m, d);
        }

        return Vector512.Sum(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float FmaChains256(long iterations)
    {
        var m = Vector256.Create(0.999f);
        var d = Vector256.Create(0.001f);
        Vector256<float> x0 = Vector256.Create(0.1f), x1 = x0 + d, x2 = x1 + d, x3 = x2 + d, x4 = x3 + d, x5 = x4 + d;
        Vector256<float> x6 = x5 + d, x7 = x6 + d, x8 = x7 + d, x9 = x8 + d, x10 = x9 + d, x11 = x10 + d;
        for (long i = 0; i < iterations; i++)
        {
            x0 = Vector256.FusedMultiplyAdd(x0, m, d);
            x1 = Vector256.FusedMultiplyAdd(x1, m, d);
            x2 = Vector256.FusedMultiplyAdd(x2, m, d);
            x3 = Vector256.FusedMultiplyAdd(x3, m, d);
            x4 = Vector256.FusedMultiplyAdd(x4, m, d);
            x5 = Vector256.FusedMultiplyAdd(x5, m, d);
            x6 = Vector256.FusedMultiplyAdd(x6, m, d);
            x7 = Vector256.FusedMultiplyAdd(x7, m, d);
            x8 = Vector256.FusedMultiplyAdd(x8, m, d);
            x9 = Vector256.FusedMultiplyAdd(x9, m, d);
            x10 = Vector256.FusedMultiplyAdd(x10, m, d);
            x11 = Vector256.FusedMultiplyAdd(x11, m, d);
        }

        return Vector256.Sum(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11);
    }

    private static int ResolveThreads(int threads)
    {
        if (threads is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(threads), threads, $"{nameof(threads)} must be -1 (one per processor) or a positive number; got {threads}.");
        }

        return threads == -1 ? Environment.ProcessorCount : threads;
    }

    private static (int Start, int Count) Slice(int length, int parts, int index)
    {
        int start = (int)((long)length * index / parts);
        int end = (int)((long)length * (index + 1) / parts);
        return (start, end - start);
    }

    /// <summary>Runs <paramref name="body"/> on every worker, <paramref name="repetitions"/> times in lock step; returns each repetition's wall time.</summary>
    private static double[] RunTogether(int threads, int repetitions, Action<int> body)
    {
        double[] seconds = new double[repetitions];
        if (threads == 1)
        {
            for (int r = 0; r < repetitions; r++)
            {
                long start = Stopwatch.GetTimestamp();
                body(0);
                seconds[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }

            return seconds;
        }

        using var barrier = new Barrier(threads);
        Exception? failure = null;
        void Work(int worker)
        {
            for (int r = 0; r < repetitions; r++)
            {
                barrier.SignalAndWait();
                long start = Stopwatch.GetTimestamp();
                try
                {
                    body(worker);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                }

                barrier.SignalAndWait();
                if (worker == 0)
                {
                    seconds[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
                }
            }
        }

        var others = new Thread[threads - 1];
        for (int t = 0; t < others.Length; t++)
        {
            int worker = t + 1;
            others[t] = new Thread(() => Work(worker)) { IsBackground = true, Name = $"MachineProbe {worker}" };
            others[t].Start();
        }

        Work(0);
        foreach (var thread in others)
        {
            thread.Join();
        }

        if (failure is not null)
        {
            throw new InvalidOperationException("A probe thread failed.", failure);
        }

        return seconds;
    }

    private static ProbeRates Rates(ReadOnlySpan<double> seconds, double amount, int threads)
    {
        double[] rates = new double[seconds.Length];
        for (int i = 0; i < rates.Length; i++)
        {
            rates[i] = amount / Math.Max(seconds[i], 1e-9);
        }

        Array.Sort(rates);
        double median = rates.Length % 2 == 1
            ? rates[rates.Length / 2]
            : 0.5 * (rates[(rates.Length / 2) - 1] + rates[rates.Length / 2]);
        return new ProbeRates(rates[^1], median, rates[0], threads);
    }
}
