using System.Numerics;
using System.Runtime.Intrinsics;

namespace Descent.Numerics;

/// <summary>
/// General matrix multiply on row-major storage: <c>C ← α·op(A)·op(B) + β·C</c>, where op(A) is m×k
/// and op(B) is k×n; <c>transposeA</c> means A is stored k×m (backprop's Xᵀ·dY), <c>transposeB</c>
/// that B is stored n×k (dY·Wᵀ).
/// </summary>
/// <remarks>
/// A cache-blocked, register-tiled kernel with packed panels (GotoBLAS/BLIS style) on Vector512 where
/// the processor has it, Vector256 otherwise. Packing absorbs the transposes, so all four variants run
/// at the same speed. Large products are split across cores; the result does not depend on the number
/// of threads (bit for bit). Products are fused-multiply-add accumulated in blocks of depth, so they
/// differ from a naive loop by rounding only (relative error of order k·ε).
/// </remarks>
public static class Gemm
{
    /// <summary>Below this many multiply-adds (m·k·n) a product runs on one thread: waking another costs more.</summary>
    public const long ParallelThreshold = 1L << 20;

    /// <summary>Computes <c>C ← α·op(A)·op(B) + β·C</c>, using all cores for large products.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="a">A, row-major: m×k, or k×m when <paramref name="transposeA"/>.</param>
    /// <param name="b">B, row-major: k×n, or n×k when <paramref name="transposeB"/>.</param>
    /// <param name="c">C, row-major m×n.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="transposeA">A is stored transposed.</param>
    /// <param name="transposeB">B is stored transposed.</param>
    /// <param name="alpha">Scale of the product (default 1).</param>
    /// <param name="beta">Scale of the existing C (default 0; 0 ignores C's contents, even NaN).</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A buffer is shorter than its shape needs.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void Multiply<T>(
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n,
        bool transposeA = false, bool transposeB = false, T? alpha = null, T? beta = null)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Multiply(a, b, c, m, k, n, transposeA, transposeB, alpha ?? T.One, beta ?? T.Zero, GemmContext.Default);

    /// <summary>Computes <c>C ← α·op(A)·op(B) + β·C</c> on the threads and in the arithmetic <paramref name="context"/> says.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="a">A, row-major: m×k, or k×m when <paramref name="transposeA"/>.</param>
    /// <param name="b">B, row-major: k×n, or n×k when <paramref name="transposeB"/>.</param>
    /// <param name="c">C, row-major m×n.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="transposeA">A is stored transposed.</param>
    /// <param name="transposeB">B is stored transposed.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="beta">Scale of the existing C (0 ignores C's contents, even NaN).</param>
    /// <param name="context">Threads and arithmetic (<see cref="GemmContext.Default"/>: blocked, one thread per processor).</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A buffer is shorter than its shape needs.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void Multiply<T>(
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n,
        bool transposeA, bool transposeB, T alpha, T beta, GemmContext context)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(context);
        Run(a, b, c, m, k, n, transposeA, transposeB, alpha, beta, context.ResolvedThreads, DefaultIsa, context.Order, context.Helpers);
    }

    /// <summary>The widest vector the processor runs natively.</summary>
    internal static GemmIsa DefaultIsa { get; } = Vector512.IsHardwareAccelerated ? GemmIsa.Vector512 : GemmIsa.Vector256;

    /// <summary>Validated entry that lets tests pick the vector width, the thread count and the helper threads.</summary>
    internal static unsafe void Run<T>(
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n,
        bool transposeA, bool transposeB, T alpha, T beta, int threads, GemmIsa isa,
        GemmOrder order = GemmOrder.Blocked, IGemmHelpers? helpers = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"Gemm supports float and double; got {typeof(T).Name}.");
        }

        Validate(a.Length, b.Length, c.Length, m, k, n);
        if (order == GemmOrder.Sequential)
        {
            GemmSequential.Run(a, b, c, m, k, n, transposeA, transposeB, alpha, beta);
            return;
        }

        nint lda = transposeA ? m : k;
        nint ldb = transposeB ? k : n;
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
        {
            long work = (long)m * k * n;
            if (threads <= 1 || work < ParallelThreshold)
            {
                GemmKernel<T>.Run(pa, lda, transposeA, pb, ldb, transposeB, pc, n, m, k, n, alpha, beta, isa);
            }
            else
            {
                GemmParallel<T>.Run(pa, lda, transposeA, pb, ldb, transposeB, pc, n, m, k, n, alpha, beta, isa, threads, helpers ?? GemmWorkers.Shared);
            }
        }
    }

    /// <summary>The definition, one multiply-add at a time; the fast kernel is tested against it.</summary>
    internal static void Reference<T>(
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n,
        bool transposeA, bool transposeB, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(a.Length, b.Length, c.Length, m, k, n);

        // Loop order (i, p, j) keeps the inner loop contiguous in B and C.
        for (int i = 0; i < m; i++)
        {
            Span<T> row = c.Slice(i * n, n);
            ScaleRow(row, beta);
            for (int p = 0; p < k; p++)
            {
                T aip = alpha * (transposeA ? a[(p * m) + i] : a[(i * k) + p]);
                for (int j = 0; j < n; j++)
                {
                    row[j] += aip * (transposeB ? b[(j * k) + p] : b[(p * n) + j]);
                }
            }
        }
    }

    /// <summary>C's row times β before the products are added: β = 0 clears it (so NaN in C is ignored), β = 1 leaves it.</summary>
    internal static void ScaleRow<T>(Span<T> row, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (beta == T.Zero)
        {
            row.Clear();
        }
        else if (beta != T.One)
        {
            for (int j = 0; j < row.Length; j++)
            {
                row[j] *= beta;
            }
        }
    }

    private static void Validate(int aLength, int bLength, int cLength, int m, int k, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        CheckLength(aLength, (long)m * k, "a");
        CheckLength(bLength, (long)k * n, "b");
        CheckLength(cLength, (long)m * n, "c");
    }

    private static void CheckLength(int actual, long needed, string name)
    {
        if (actual < needed)
        {
            throw new ArgumentException($"Matrix {name} has {actual} elements but its shape needs {needed}.", name);
        }
    }
}
