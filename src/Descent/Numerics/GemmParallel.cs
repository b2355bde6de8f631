using System.Numerics;

namespace Descent.Numerics;

/// <summary>
/// Runs one product on several threads. The operand every stripe needs (B when C is split into row
/// stripes, A for column stripes) is packed once, by all threads together, into a buffer they share;
/// then the threads take stripes from a counter. Work is claimed, not assigned, so a helper that the
/// (busy, shared) machine starts late only takes what is left, and the calling thread finishes the rest.
/// The job object is cached per calling thread and the helpers are long-lived (<see cref="GemmWorkers"/>),
/// so a repeated call allocates nothing.
/// </summary>
internal static unsafe class GemmParallel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static Job? s_job;

    public static void Run(
        T* a, nint lda, bool ta, T* b, nint ldb, bool tb, T* c, nint ldc,
        int m, int k, int n, T alpha, T beta, GemmIsa isa, int threads, IGemmHelpers helpers)
    {
        int mr = GemmKernel<T>.Mr(isa);
        int nr = 2 * GemmKernel<T>.Lanes(isa);
        int rowTiles = (m + mr - 1) / mr;
        int colTiles = (n + nr - 1) / nr;
        bool splitRows = rowTiles * mr >= colTiles * nr;
        int tiles = splitRows ? rowTiles : colTiles;
        if (k == 0 || alpha == T.Zero || Math.Min(threads, tiles) <= 1)
        {
            GemmKernel<T>.Run(a, lda, ta, b, ldb, tb, c, ldc, m, k, n, alpha, beta, isa);
            return;
        }

        var job = s_job ??= new Job();
        job.Isa = isa;
        job.Helpers = helpers;
        job.Alpha = alpha;
        job.Beta = beta;
        job.A = a;
        job.B = b;
        job.C = c;
        job.Lda = lda;
        job.Ldb = ldb;
        job.Ldc = ldc;
        job.M = m;
        job.K = k;
        job.N = n;
        job.TransposeA = ta;
        job.TransposeB = tb;
        job.SplitRows = splitRows;

        // A few stripes per thread balance the load; each is whole micro-tiles.
        int stripes = Math.Min(tiles, threads * 4);
        job.Stripes = stripes;
        job.TilesPerStripe = tiles;
        job.Unit = splitRows ? mr : nr;

        // Share the other operand when it fits one packed block (B: n ≤ NC); else each stripe packs its own.
        int depth = GemmKernel<T>.BlockDepth(k);
        int blocks = (k + depth - 1) / depth;
        bool share = splitRows ? n <= GemmKernel<T>.Nc : true;
        job.Shared = null;
        job.PackTasks = 0;
        if (share)
        {
            job.Shared = GemmKernel<T>.SharedBuffer(splitRows ? GemmKernel<T>.WholeBSize(k, n, isa) : GemmKernel<T>.WholeASize(m, k, isa));
            job.PanelsPerBlock = splitRows ? colTiles : rowTiles;
            job.PackTasks = blocks * job.PanelsPerBlock;
        }

        job.NextPack = 0;
        job.PacksDone = 0;
        job.NextStripe = 0;
        job.Error = null;
        job.Execute(threads - 1);
        if (job.Error is { } error)
        {
            job.Error = null;
            throw new AggregateException("A matrix-multiply helper thread failed.", error);
        }
    }

    /// <summary>One product's shared state; the calling thread and its helpers claim work from the counters.</summary>
    private sealed class Job : GemmWork
    {
        public GemmIsa Isa;
        public IGemmHelpers Helpers = GemmWorkers.Shared;
        public T Alpha;
        public T Beta;
        public T* A;
        public T* B;
        public T* C;
        public T* Shared;
        public nint Lda;
        public nint Ldb;
        public nint Ldc;
        public int M;
        public int K;
        public int N;
        public bool TransposeA;
        public bool TransposeB;
        public bool SplitRows;
        public int Stripes;
        public int TilesPerStripe;
        public int Unit;
        public int PanelsPerBlock;
        public int PackTasks;
        public int NextPack;
        public int PacksDone;
        public int NextStripe;
        public Exception? Error;

        public void Execute(int helpers)
        {
            // Another product holds the helper threads (a caller on another thread): run this one alone.
            if (!Helpers.TryRun(this, helpers))
            {
                Work();
            }
        }

        public override void Work()
        {
            try
            {
                int task;
                while ((task = Interlocked.Increment(ref NextPack) - 1) < PackTasks)
                {
                    try
                    {
                        Pack(task);
                    }
                    finally
                    {
                        Interlocked.Increment(ref PacksDone);
                    }
                }

                // Every packing task was claimed; wait for the ones still running elsewhere.
                var spinner = default(SpinWait);
                while (Volatile.Read(ref PacksDone) < PackTasks)
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                }

                int stripe;
                while ((stripe = Interlocked.Increment(ref NextStripe) - 1) < Stripes)
                {
                    Compute(stripe);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Interlocked.CompareExchange(ref Error, e, null);
                Interlocked.Exchange(ref NextStripe, int.MaxValue / 2);
            }
        }

        private void Pack(int task)
        {
            int pc = task / PanelsPerBlock * GemmKernel<T>.BlockDepth(K);
            int panel = task % PanelsPerBlock;
            if (SplitRows)
            {
                GemmKernel<T>.PackWholeB(B, Ldb, TransposeB, K, N, pc, panel * 2 * GemmKernel<T>.Lanes(Isa), Isa, Shared);
            }
            else
            {
                GemmKernel<T>.PackWholeA(A, Lda, TransposeA, M, K, pc, panel * GemmKernel<T>.Mr(Isa), Alpha, Isa, Shared);
            }
        }

        private void Compute(int stripe)
        {
            int extent = SplitRows ? M : N;
            int start = (int)((long)TilesPerStripe * stripe / Stripes) * Unit;
            int end = Math.Min(extent, (int)((long)TilesPerStripe * (stripe + 1) / Stripes) * Unit);
            if (SplitRows)
            {
                T* a = TransposeA ? A + start : A + (start * Lda);
                GemmKernel<T>.Run(a, Lda, TransposeA, B, Ldb, TransposeB, C + (start * Ldc), Ldc, end - start, K, N, Alpha, Beta, Isa, sharedB: Shared);
            }
            else
            {
                T* b = TransposeB ? B + (start * Ldb) : B + start;
                GemmKernel<T>.Run(A, Lda, TransposeA, b, Ldb, TransposeB, C + start, Ldc, M, K, end - start, Alpha, Beta, Isa, sharedA: Shared);
            }
        }
    }
}
