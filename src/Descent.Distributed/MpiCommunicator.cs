using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using Descent.Distributed.Mpi;

namespace Descent.Distributed;

/// <summary>
/// <c>MPI_COMM_WORLD</c> of a job launched by <c>mpiexec</c> or <c>srun</c>: rank, size and the collectives that
/// data-parallel training needs (sum all-reduce, all-gather, broadcast, agreement checks, abort).
/// </summary>
/// <remarks>
/// MPI can be initialised once per process, so <see cref="Initialize"/> returns the one instance and
/// <see cref="Dispose"/> finalises MPI for good. MPI is asked for <c>MPI_THREAD_SERIALIZED</c>: any thread may call,
/// one at a time — the calls here take a lock. Every MPI error is returned (not fatal) and thrown as
/// <see cref="MpiException"/> with MPI's error string.
/// </remarks>
public sealed unsafe class MpiCommunicator : IDisposable
{
    /// <summary>Collectives on buffers larger than this many elements are split: MPI counts are <c>int</c>s.</summary>
    private const int MaxChunk = 1 << 30;

    /// <summary>How long <see cref="Abort"/> waits, after flushing, before MPI_Abort ends the job.</summary>
    private static readonly TimeSpan AbortGrace = TimeSpan.FromMilliseconds(300);

    private static readonly Lock InitGate = new();
    private static MpiCommunicator? s_world;

    private readonly Lock _gate = new();
    private bool _finalized;

    private MpiCommunicator(int rank, int size, int threadLevel)
    {
        Rank = rank;
        Size = size;
        ThreadLevel = threadLevel;
        LocalSize = int.TryParse(Environment.GetEnvironmentVariable("MPI_LOCALNRANKS"), NumberStyles.None, CultureInfo.InvariantCulture, out int local) && local > 0
            ? local
            : 1;
    }

    /// <summary>
    /// Whether this process was started by an MPI launcher (Hydra's <c>mpiexec</c>/<c>mpirun</c>, or Slurm's
    /// <c>srun --mpi=pmi2</c>): a process manager's rank variable is set. Without one, a program should not
    /// initialise MPI at all and trains on its own.
    /// </summary>
    public static bool IsLaunchedByMpi =>
        Environment.GetEnvironmentVariable("PMI_RANK") is not null
        || Environment.GetEnvironmentVariable("PMIX_RANK") is not null
        || Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_RANK") is not null;

    /// <summary>This process's rank in the world, 0 … <see cref="Size"/> − 1.</summary>
    public int Rank { get; }

    /// <summary>How many processes the job has.</summary>
    public int Size { get; }

    /// <summary>How many ranks share this host (<c>MPI_LOCALNRANKS</c> from Hydra; 1 when not given).</summary>
    public int LocalSize { get; }

    /// <summary>
    /// How many compute threads one rank should use: this host's cores divided among its ranks. Ranks busy-wait
    /// inside collectives, so more threads than that only take cores from the other ranks.
    /// </summary>
    public int ThreadsPerRank => Math.Max(1, Environment.ProcessorCount / LocalSize);

    /// <summary>
    /// Advice when the ranks on this host would each use every core for their matrix products (the thread count comes
    /// from <c>DOTNET_PROCESSOR_COUNT</c>, which .NET reads at start-up); null when the threads already fit.
    /// </summary>
    public string? ThreadAdvice =>
        LocalSize > 1 && Environment.GetEnvironmentVariable("DOTNET_PROCESSOR_COUNT") is null
            ? string.Create(CultureInfo.InvariantCulture,
                $"{LocalSize} processes share this host's {Environment.ProcessorCount} cores and each would use all of them while the others busy-wait in MPI; give each {ThreadsPerRank}: mpiexec -genv DOTNET_PROCESSOR_COUNT {ThreadsPerRank} …")
            : null;

    /// <summary>The thread support MPI granted (2 = <c>MPI_THREAD_SERIALIZED</c>).</summary>
    public int ThreadLevel { get; }

    /// <summary>The MPI library's own version text (<c>MPI_Get_library_version</c>), first line.</summary>
    public string LibraryVersion
    {
        get
        {
            byte[] text = new byte[MpichAbi.MaxLibraryVersionString];
            int length = 0;
            fixed (byte* p = text)
            {
                Check(MpichNative.MPI_Get_library_version(p, &length), "MPI_Get_library_version");
            }

            string version = Encoding.UTF8.GetString(text, 0, length);
            int newline = version.IndexOf('\n', StringComparison.Ordinal);
            return string.Join(' ', (newline >= 0 ? version[..newline] : version).Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
        }
    }

    /// <summary>
    /// Initialises MPI (once per process) and returns the world communicator; later calls return the same instance.
    /// </summary>
    /// <returns>The world communicator.</returns>
    /// <exception cref="DllNotFoundException">No MPICH-compatible library is installed.</exception>
    /// <exception cref="MpiException">MPI failed to start, or was already finalised.</exception>
    public static MpiCommunicator Initialize()
    {
        lock (InitGate)
        {
            if (s_world is not null)
            {
                return s_world;
            }

            MpiLibrary.Register();

            // UCX, MPICH's transport here, installs its own SIGSEGV/SIGBUS/SIGFPE handlers at init. .NET turns those
            // signals into NullReferenceException and friends; with UCX's handlers in front they kill the process
            // instead. UCX reads the variable from the C environment, which Environment.SetEnvironmentVariable
            // does not reach, hence libc's setenv — before MPI_Init_thread.
            LibC.SetEnvironment("UCX_ERROR_SIGNALS", string.Empty);

            int initialized = 0, finalized = 0;
            Check(MpichNative.MPI_Initialized(&initialized), "MPI_Initialized");
            Check(MpichNative.MPI_Finalized(&finalized), "MPI_Finalized");
            if (finalized != 0)
            {
                throw new MpiException("MPI was already finalised in this process; it can be initialised only once.");
            }

            int provided = 0;
            if (initialized == 0)
            {
                Check(MpichNative.MPI_Init_thread(null, null, MpichAbi.ThreadSerialized, &provided), "MPI_Init_thread");
                if (provided < MpichAbi.ThreadSerialized)
                {
                    throw new MpiException($"MPI_Init_thread granted thread level {provided}; Descent needs MPI_THREAD_SERIALIZED (2).");
                }
            }

            int world = MpichAbi.Handle(MpichAbi.CommWorld);
            Check(MpichNative.MPI_Comm_set_errhandler(world, MpichAbi.Handle(MpichAbi.ErrorsReturn)), "MPI_Comm_set_errhandler");
            int rank = 0, size = 0;
            Check(MpichNative.MPI_Comm_rank(world, &rank), "MPI_Comm_rank");
            Check(MpichNative.MPI_Comm_size(world, &size), "MPI_Comm_size");
            s_world = new MpiCommunicator(rank, size, provided);
            return s_world;
        }
    }

    /// <summary>Sums <paramref name="buffer"/> element-wise over all ranks, in place; every rank gets the same result.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="buffer">This rank's values; the sums on return.</param>
    /// <param name="bucket">
    /// Elements per <c>MPI_Allreduce</c> call. Large buffers go faster in buckets of about 1M floats (measured on
    /// shared memory: the transport pipelines the pieces); the sums do not depend on it.
    /// </param>
    public void AllReduceSum<T>(Span<T> buffer, int bucket = 1 << 20)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucket, 1);
        int type = DataType<T>();
        for (int start = 0; start < buffer.Length; start += Math.Min(bucket, MaxChunk))
        {
            var piece = buffer.Slice(start, Math.Min(Math.Min(bucket, MaxChunk), buffer.Length - start));
            fixed (T* p = piece)
            {
                using (Enter())
                {
                    Check(MpichNative.MPI_Allreduce(MpichAbi.InPlace, p, piece.Length, type, MpichAbi.Handle(MpichAbi.Sum), World), "MPI_Allreduce");
                }
            }
        }
    }

    /// <summary>The element-wise maximum over all ranks of 64-bit unsigned values, in place.</summary>
    /// <param name="buffer">This rank's values; the maxima on return.</param>
    public void AllReduceMax(Span<ulong> buffer)
    {
        fixed (ulong* p = buffer)
        {
            using (Enter())
            {
                Check(MpichNative.MPI_Allreduce(MpichAbi.InPlace, p, buffer.Length, MpichAbi.Handle(MpichAbi.UInt64), MpichAbi.Handle(MpichAbi.Max), World), "MPI_Allreduce");
            }
        }
    }

    /// <summary>
    /// Whether every rank passed the same <paramref name="value"/> (one all-reduce of MAX over the value and its
    /// complement, i.e. the maximum and the minimum at once). Every rank gets the same answer.
    /// </summary>
    /// <param name="value">This rank's value, e.g. a hash of its parameters.</param>
    /// <returns>True when all ranks agree.</returns>
    public bool Agree(ulong value)
    {
        Span<ulong> both = [value, ~value];
        AllReduceMax(both);
        return both[0] == ~both[1];
    }

    /// <summary>
    /// Gathers in place: rank r owns <c>counts[r]</c> elements of <paramref name="buffer"/>, which follow those of
    /// ranks 0 … r − 1; on return every rank holds every rank's part.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="buffer">The whole buffer; this rank's part filled.</param>
    /// <param name="counts">Elements per rank, one entry per rank; they must sum to the buffer's length.</param>
    /// <exception cref="ArgumentException">The counts do not fit the communicator or the buffer.</exception>
    public void AllGather<T>(Span<T> buffer, ReadOnlySpan<int> counts)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (counts.Length != Size)
        {
            throw new ArgumentException($"AllGather needs one count per rank ({Size}); got {counts.Length}.", nameof(counts));
        }

        Span<int> displacements = Size <= 256 ? stackalloc int[Size] : new int[Size];
        long total = 0;
        for (int r = 0; r < Size; r++)
        {
            if (counts[r] < 0)
            {
                throw new ArgumentException($"AllGather count of rank {r} is {counts[r]}; counts must be ≥ 0.", nameof(counts));
            }

            displacements[r] = (int)Math.Min(total, int.MaxValue);
            total += counts[r];
        }

        if (total != buffer.Length)
        {
            throw new ArgumentException($"AllGather counts sum to {total} but the buffer holds {buffer.Length}.", nameof(counts));
        }

        fixed (T* p = buffer)
        fixed (int* c = counts)
        fixed (int* d = displacements)
        {
            using (Enter())
            {
                Check(MpichNative.MPI_Allgatherv(MpichAbi.InPlace, 0, 0, p, c, d, DataType<T>(), World), "MPI_Allgatherv");
            }
        }
    }

    /// <summary>Copies <paramref name="root"/>'s <paramref name="buffer"/> to every rank.</summary>
    /// <typeparam name="T">An unmanaged element type (sent as bytes).</typeparam>
    /// <param name="buffer">The data on the root; overwritten elsewhere. Same length on every rank.</param>
    /// <param name="root">The sending rank.</param>
    public void Broadcast<T>(Span<T> buffer, int root = 0)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, Size);
        var bytes = MemoryMarshal.AsBytes(buffer);
        for (int start = 0; start < bytes.Length; start += MaxChunk)
        {
            var piece = bytes.Slice(start, Math.Min(MaxChunk, bytes.Length - start));
            fixed (byte* p = piece)
            {
                using (Enter())
                {
                    Check(MpichNative.MPI_Bcast(p, piece.Length, MpichAbi.Handle(MpichAbi.Byte), root, World), "MPI_Bcast");
                }
            }
        }
    }

    /// <summary>Waits until every rank has called it.</summary>
    public void Barrier()
    {
        using (Enter())
        {
            Check(MpichNative.MPI_Barrier(World), "MPI_Barrier");
        }
    }

    /// <summary>
    /// Waits until every rank has called it, sleeping between checks instead of spinning, so a rank that waits
    /// long (while rank 0 writes a checkpoint, or times something alone) leaves its core to the others.
    /// </summary>
    /// <param name="poll">How long to sleep between checks.</param>
    public void IdleBarrier(TimeSpan poll)
    {
        int request = 0, done = 0;
        using (Enter())
        {
            Check(MpichNative.MPI_Ibarrier(World, &request), "MPI_Ibarrier");
        }

        while (true)
        {
            using (Enter())
            {
                Check(MpichNative.MPI_Test(&request, &done, MpichAbi.StatusIgnore), "MPI_Test");
            }

            if (done != 0)
            {
                return;
            }

            Thread.Sleep(poll);
        }
    }

    /// <summary>
    /// Ends the whole job now: MPI kills every rank and the launcher exits with a failure code. Used when one rank
    /// fails, so that the others do not wait forever in their next collective. Write the reason to stderr first.
    /// </summary>
    /// <param name="errorCode">The code passed to <c>MPI_Abort</c> (the launcher's exit status usually reflects it).</param>
    [DoesNotReturn]
    public void Abort(int errorCode)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        if (!Volatile.Read(ref _finalized))
        {
            // The launcher forwards each rank's output through a proxy that MPI_Abort tears down; give it a moment
            // to pass on the reason just written, or the user may see the job fail without it.
            Thread.Sleep(AbortGrace);
            _ = MpichNative.MPI_Abort(World, errorCode);
        }

        // MPI_Abort does not return; if an MPI library ever did, the process must still end.
        Environment.Exit(errorCode);
        throw new UnreachableException();
    }

    /// <summary>Finalises MPI (collective: every rank calls it). MPI cannot start again in this process.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_finalized)
            {
                return;
            }

            _finalized = true;
            Check(MpichNative.MPI_Finalize(), "MPI_Finalize");
        }
    }

    private static int World => MpichAbi.Handle(MpichAbi.CommWorld);

    private static int DataType<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? MpichAbi.Handle(MpichAbi.Float)
        : typeof(T) == typeof(double) ? MpichAbi.Handle(MpichAbi.Double)
        : throw new NotSupportedException($"MPI collectives take float or double; got {typeof(T).Name}.");

    /// <summary>Holds the lock for one MPI call (MPI_THREAD_SERIALIZED: one thread in MPI at a time).</summary>
    private Lock.Scope Enter()
    {
        var scope = _gate.EnterScope();
        if (_finalized)
        {
            scope.Dispose();
            throw new ObjectDisposedException(nameof(MpiCommunicator), "MPI has been finalised in this process.");
        }

        return scope;
    }

    private static void Check(int code, string call)
    {
        if (code == 0)
        {
            return;
        }

        byte[] text = new byte[MpichAbi.MaxErrorString];
        int length = 0;
        fixed (byte* p = text)
        {
            if (MpichNative.MPI_Error_string(code, p, &length) != 0)
            {
                length = 0;
            }
        }

        throw new MpiException(call, code, length > 0 ? Encoding.UTF8.GetString(text, 0, length) : "(no error string)");
    }
}
