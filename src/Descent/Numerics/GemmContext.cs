namespace Descent.Numerics;

/// <summary>The arithmetic a matrix product follows.</summary>
public enum GemmOrder
{
    /// <summary>The cache-blocked kernel: fused multiply-adds accumulated in blocks of depth (fast).</summary>
    Blocked,

    /// <summary>
    /// Each element summed one product at a time in k order, a multiply then an add — the arithmetic of a reference
    /// (naive) BLAS. For reproducing runs recorded with such a BLAS (the lab's <c>--reproduce-book</c>); several times
    /// slower, and always on the calling thread.
    /// </summary>
    Sequential,
}

/// <summary>
/// How <see cref="Gemm"/> runs a product: on how many threads, and in which arithmetic. Passed explicitly (a network
/// holds one in <see cref="NeuralNetworks.NetworkOptions.Gemm"/>), so two networks on two threads can multiply
/// differently without any ambient, per-thread mode.
/// </summary>
public sealed record GemmContext
{
    private readonly int _threads = -1;

    /// <summary>Blocked arithmetic on one thread per processor.</summary>
    public static GemmContext Default { get; } = new();

    /// <summary>Blocked arithmetic on the calling thread only.</summary>
    public static GemmContext SingleThreaded { get; } = new() { Threads = 1 };

    /// <summary>Reference-BLAS arithmetic (<see cref="GemmOrder.Sequential"/>).</summary>
    public static GemmContext Sequential { get; } = new() { Order = GemmOrder.Sequential };

    /// <summary>
    /// Most threads a product may use: 1 runs on the calling thread only; -1 (the default) means one per processor.
    /// Products below <see cref="Gemm.ParallelThreshold"/> multiply-adds always run on the calling thread.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">0, or below -1.</exception>
    public int Threads
    {
        get => _threads;
        init => _threads = value is 0 or < -1
            ? throw new ArgumentOutOfRangeException(nameof(Threads), value, $"{nameof(Threads)} must be -1 (one thread per processor) or a positive number; got {value}.")
            : value;
    }

    /// <summary>The arithmetic (default <see cref="GemmOrder.Blocked"/>).</summary>
    public GemmOrder Order { get; init; }

    /// <summary>The threads that help the caller with a large product (tests substitute their own).</summary>
    internal IGemmHelpers Helpers { get; init; } = GemmWorkers.Shared;

    /// <summary><see cref="Threads"/> with -1 resolved to the processor count.</summary>
    internal int ResolvedThreads => _threads == -1 ? Environment.ProcessorCount : _threads;
}
