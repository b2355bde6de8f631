using System.Numerics;

namespace Descent.Numerics;

/// <summary>
/// Splits one product into row or column stripes (whole micro-tiles each) and runs them on pool threads
/// plus the calling thread. Work items and their completion events are cached per calling thread, so a
/// repeated call allocates nothing.
/// </summary>
internal static unsafe class GemmParallel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [ThreadStatic]
    private static Stripe[]? s_stripes;

    public static void Run(
        T* a, nint lda, bool ta, T* b, nint ldb, bool tb, T* c, nint ldc,
        int m, int k, int n, T alpha, T beta, GemmIsa isa, int threads)
    {
        int mr = GemmKernel<T>.Mr(isa);
        int nr = 2 * GemmKernel<T>.Lanes(isa);
        int rowTiles = (m + mr - 1) / mr;
        int colTiles = (n + nr - 1) / nr;

        // Each stripe packs the other operand again: splitting rows repacks B (k·n), splitting columns
        // repacks A (m·k); split the dimension with more tiles, which also balances better.
        bool splitRows = rowTiles * mr >= colTiles * nr;
        int tiles = splitRows ? rowTiles : colTiles;
        int parts = Math.Min(threads, tiles);
        if (parts <= 1)
        {
            GemmKernel<T>.Run(a, lda, ta, b, ldb, tb, c, ldc, m, k, n, alpha, beta, isa);
            return;
        }

        var stripes = s_stripes;
        if (stripes is null || stripes.Length < parts)
        {
            stripes = new Stripe[parts];
            for (int i = 0; i < parts; i++)
            {
                stripes[i] = new Stripe();
            }

            s_stripes = stripes;
        }

        int unit = splitRows ? mr : nr;
        int extent = splitRows ? m : n;
        for (int s = 0; s < parts; s++)
        {
            int start = (int)((long)tiles * s / parts) * unit;
            int end = Math.Min(extent, (int)((long)tiles * (s + 1) / parts) * unit);
            var stripe = stripes[s];
            stripe.Isa = isa;
            stripe.Alpha = alpha;
            stripe.Beta = beta;
            stripe.K = k;
            stripe.TransposeA = ta;
            stripe.TransposeB = tb;
            stripe.Lda = lda;
            stripe.Ldb = ldb;
            stripe.Ldc = ldc;
            if (splitRows)
            {
                stripe.A = ta ? a + start : a + (start * lda);
                stripe.B = b;
                stripe.C = c + (start * ldc);
                stripe.M = end - start;
                stripe.N = n;
            }
            else
            {
                stripe.A = a;
                stripe.B = tb ? b + (start * ldb) : b + start;
                stripe.C = c + start;
                stripe.M = m;
                stripe.N = end - start;
            }
        }

        for (int s = 1; s < parts; s++)
        {
            stripes[s].Done.Reset();
            ThreadPool.UnsafeQueueUserWorkItem(stripes[s], preferLocal: false);
        }

        stripes[0].Compute();
        for (int s = 1; s < parts; s++)
        {
            stripes[s].Done.Wait();
            if (stripes[s].Error is { } error)
            {
                stripes[s].Error = null;
                throw new AggregateException("A matrix-multiply worker failed.", error);
            }
        }
    }

    private sealed class Stripe : IThreadPoolWorkItem
    {
        public GemmIsa Isa;
        public T Alpha;
        public T Beta;
        public T* A;
        public T* B;
        public T* C;
        public nint Lda;
        public nint Ldb;
        public nint Ldc;
        public int M;
        public int K;
        public int N;
        public bool TransposeA;
        public bool TransposeB;
        public Exception? Error;

        /// <summary>Spins briefly before blocking: stripes of the book's shapes finish in tens of microseconds.</summary>
        public ManualResetEventSlim Done { get; } = new(initialState: false, spinCount: 2000);

        public void Compute() =>
            GemmKernel<T>.Run(A, Lda, TransposeA, B, Ldb, TransposeB, C, Ldc, M, K, N, Alpha, Beta, Isa);

        public void Execute()
        {
            try
            {
                Compute();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Error = e;
            }
            finally
            {
                Done.Set();
            }
        }
    }
}
