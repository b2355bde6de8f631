using System.Diagnostics;

namespace Descent.Numerics;

/// <summary>Work that several threads run together by claiming pieces of it; <see cref="Work"/> returns when nothing is left to claim.</summary>
internal abstract class GemmWork
{
    /// <summary>Claims and runs pieces until none are left; must not throw.</summary>
    public abstract void Work();
}

/// <summary>Threads that help a caller with one product; <see cref="GemmWorkers"/> in production, a stand-in in tests.</summary>
internal interface IGemmHelpers
{
    /// <summary>Runs <paramref name="work"/> on the calling thread and up to <paramref name="helpers"/> helpers; false when the helpers are busy.</summary>
    bool TryRun(GemmWork work, int helpers);
}

/// <summary>
/// Long-lived background helper threads (one per processor beyond the first) for multi-threaded GEMM.
/// Pool threads would do, but they come and go, and each new one would allocate its own packing buffers;
/// these keep theirs. One product at a time uses them; a concurrent caller runs alone instead of waiting.
/// </summary>
/// <remarks>
/// Joining protocol: a helper that wakes announces itself (<c>_inside</c>) before it checks that the
/// work is still open (<c>_joinable</c>); the caller closes the work before it waits for <c>_inside</c>
/// to drop to zero. So a helper either joins work the caller still waits for, or leaves without touching
/// it, however late the busy machine schedules it. A product admits as many helpers as it asked for (<c>_slots</c>).
/// <para>
/// A helper that has just worked spins for <see cref="SpinWindow"/> before it sleeps: a training step runs a dozen
/// products a few microseconds apart, and waking a sleeping thread costs about as much as one of them. A helper that
/// spins joins the next product when it is posted (<c>_posted</c>) without being woken; the wake-up it was still
/// sent is then one it has already seen and it sleeps again at once. While other threads of the process are multiplying
/// too (a caller found the helpers busy in the last <see cref="ContentionMemory"/>, as when the lab trains several
/// networks at once), helpers do not spin: the cores are taken, and a spinning helper would only slow those callers.
/// </para>
/// </remarks>
internal sealed class GemmWorkers : IGemmHelpers
{
    private readonly Lock _gate = new();
    private readonly List<SemaphoreSlim> _wake = [];
    private GemmWork? _work;
    private int _joinable;
    private int _inside;
    private bool _flushToZero;
    private int _posted;
    private int _slots;

    /// <summary>How long a helper that has just worked waits, spinning, for the next product: 200 µs.</summary>
    internal static readonly TimeSpan SpinWindow = TimeSpan.FromMicroseconds(200);

    /// <summary>How long a caller that found the helpers busy keeps them from spinning: 100 ms.</summary>
    internal static readonly TimeSpan ContentionMemory = TimeSpan.FromMilliseconds(100);

    private static readonly long SpinTicks = (long)(SpinWindow.TotalSeconds * Stopwatch.Frequency);
    private static readonly long ContentionTicks = (long)(ContentionMemory.TotalSeconds * Stopwatch.Frequency);
    private long _contendedAt = long.MinValue / 2;

    // All helpers start with the pool, at the process's first product: started by the first product that needs one,
    // a helper (thread, semaphore) would be allocated inside whichever Step() first won the pool, however warmed up.
    private GemmWorkers()
    {
        for (int i = 0; i < Environment.ProcessorCount - 1; i++)
        {
            Start(i);
        }
    }

    /// <summary>The process's one set of helper threads.</summary>
    public static GemmWorkers Shared { get; } = new();

    /// <inheritdoc/>
    public bool TryRun(GemmWork work, int helpers)
    {
        if (!_gate.TryEnter())
        {
            Volatile.Write(ref _contendedAt, Stopwatch.GetTimestamp());
            return false;
        }

        try
        {
            helpers = Math.Min(helpers, _wake.Count);

            // Helpers compute as the caller would: flush-to-zero changes results (and speed) with subnormals.
            _flushToZero = Denormals.FlushToZero;
            Volatile.Write(ref _work, work);
            Volatile.Write(ref _slots, helpers);
            Interlocked.Exchange(ref _joinable, 1);
            Interlocked.Increment(ref _posted);
            for (int i = 0; i < helpers; i++)
            {
                _wake[i].Release();
            }

            work.Work();
            Interlocked.Exchange(ref _joinable, 0);
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _inside) != 0)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            return true;
        }
        finally
        {
            _gate.Exit();
        }
    }

    private void Start(int index)
    {
        var wake = new SemaphoreSlim(0);
        _wake.Add(wake);
        var thread = new Thread(() => Loop(wake, seen: 0)) { IsBackground = true, Name = $"Descent GEMM {index + 1}" };
        thread.Start();
    }

    private void Loop(SemaphoreSlim wake, int seen)
    {
        bool flushToZero = Denormals.FlushToZero;
        bool hot = false;
        while (true)
        {
            if (!hot || !SpinUntilPosted(seen))
            {
                wake.Wait();
            }

            hot = false;
            int posted = Volatile.Read(ref _posted);
            if (posted == seen)
            {
                continue;
            }

            seen = posted;
            Interlocked.Increment(ref _inside);
            if (Volatile.Read(ref _joinable) == 1 && Interlocked.Decrement(ref _slots) >= 0)
            {
                if (_flushToZero != flushToZero)
                {
                    flushToZero = _flushToZero;
                    Denormals.TrySetFlushToZero(flushToZero);
                }

                Volatile.Read(ref _work)!.Work();
                hot = true;
            }

            Interlocked.Decrement(ref _inside);
        }
    }

    /// <summary>
    /// Spins until a product after <paramref name="seen"/> is posted (true) or <see cref="SpinWindow"/> passes (false);
    /// does not spin at all while callers contend for the helpers.
    /// </summary>
    private bool SpinUntilPosted(int seen)
    {
        long now = Stopwatch.GetTimestamp();
        if (now - Volatile.Read(ref _contendedAt) < ContentionTicks)
        {
            return false;
        }

        long deadline = now + SpinTicks;
        while (Volatile.Read(ref _posted) == seen)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            Thread.SpinWait(20);
        }

        return true;
    }
}
