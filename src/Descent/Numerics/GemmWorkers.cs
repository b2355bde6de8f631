namespace Descent.Numerics;

/// <summary>Work that several threads run together by claiming pieces of it; <see cref="Work"/> returns when nothing is left to claim.</summary>
internal abstract class GemmWork
{
    /// <summary>Claims and runs pieces until none are left; must not throw.</summary>
    public abstract void Work();
}

/// <summary>
/// Long-lived background helper threads (one per processor beyond the first) for multi-threaded GEMM.
/// Pool threads would do, but they come and go, and each new one would allocate its own packing buffers;
/// these keep theirs. One product at a time uses them; a concurrent caller runs alone instead of waiting.
/// </summary>
/// <remarks>
/// Joining protocol: a helper that wakes announces itself (<c>s_inside</c>) before it checks that the
/// work is still open (<c>s_joinable</c>); the caller closes the work before it waits for <c>s_inside</c>
/// to drop to zero. So a helper either joins work the caller still waits for, or leaves without touching
/// it, however late the busy machine schedules it.
/// </remarks>
internal static class GemmWorkers
{
    private static readonly Lock s_gate = new();
    private static readonly List<SemaphoreSlim> s_wake = [];
    private static GemmWork? s_work;
    private static int s_joinable;
    private static int s_inside;
    private static bool s_flushToZero;
    private static int s_served;

    /// <summary>
    /// Test hook for the calling thread: the helpers run the whole product before the caller starts, so a
    /// test sees the helpers' work even on a machine too busy to run them alongside the caller.
    /// </summary>
    [ThreadStatic]
    internal static bool HelpersFirst;

    /// <summary>How many times a helper has run its share of a product, for tests that check how many helpers ran.</summary>
    internal static int Served => Volatile.Read(ref s_served);

    /// <summary>Runs <paramref name="work"/> on the calling thread and up to <paramref name="helpers"/> helpers; false when the helpers are busy.</summary>
    public static bool TryRun(GemmWork work, int helpers)
    {
        if (!s_gate.TryEnter())
        {
            return false;
        }

        try
        {
            helpers = Math.Min(helpers, Environment.ProcessorCount - 1);
            while (s_wake.Count < helpers)
            {
                Start(s_wake.Count);
            }

            // Helpers compute as the caller would: flush-to-zero changes results (and speed) with subnormals.
            s_flushToZero = Denormals.FlushToZero;
            Volatile.Write(ref s_work, work);
            Interlocked.Exchange(ref s_joinable, 1);
            int served = Volatile.Read(ref s_served);
            for (int i = 0; i < helpers; i++)
            {
                s_wake[i].Release();
            }

            if (HelpersFirst)
            {
                long start = Environment.TickCount64;
                while (Volatile.Read(ref s_served) - served < helpers && Environment.TickCount64 - start < 10_000)
                {
                    Thread.Sleep(1);
                }
            }

            work.Work();
            Interlocked.Exchange(ref s_joinable, 0);
            var spinner = default(SpinWait);
            while (Volatile.Read(ref s_inside) != 0)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            return true;
        }
        finally
        {
            s_gate.Exit();
        }
    }

    private static void Start(int index)
    {
        var wake = new SemaphoreSlim(0);
        s_wake.Add(wake);
        var thread = new Thread(() => Loop(wake)) { IsBackground = true, Name = $"Descent GEMM {index + 1}" };
        thread.Start();
    }

    private static void Loop(SemaphoreSlim wake)
    {
        bool flushToZero = Denormals.FlushToZero;
        while (true)
        {
            wake.Wait();
            Interlocked.Increment(ref s_inside);
            if (Volatile.Read(ref s_joinable) == 1)
            {
                if (s_flushToZero != flushToZero)
                {
                    flushToZero = s_flushToZero;
                    Denormals.TrySetFlushToZero(flushToZero);
                }

                Volatile.Read(ref s_work)!.Work();
                Interlocked.Increment(ref s_served);
            }

            Interlocked.Decrement(ref s_inside);
        }
    }
}
