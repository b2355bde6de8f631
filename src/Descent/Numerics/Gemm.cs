using System.Numerics;

namespace Descent.Numerics;

/// <summary>
/// General matrix multiply on row-major storage: <c>C ← α·op(A)·op(B) + β·C</c>, where op(A) is m×k
/// and op(B) is k×n; <c>transposeA</c> means A is stored k×m (backprop's Xᵀ·dY), <c>transposeB</c>
/// that B is stored n×k (dY·Wᵀ).
/// </summary>
public static class Gemm
{
    /// <summary>Computes <c>C ← α·op(A)·op(B) + β·C</c>.</summary>
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
    /// <exception cref="ArgumentException">A buffer is shorter than its shape needs.</exception>
    public static void Multiply<T>(
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n,
        bool transposeA = false, bool transposeB = false, T? alpha = null, T? beta = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        CheckLength(a.Length, (long)m * k, nameof(a));
        CheckLength(b.Length, (long)k * n, nameof(b));
        CheckLength(c.Length, (long)m * n, nameof(c));
        T al = alpha ?? T.One;
        T be = beta ?? T.Zero;

        // Reference loop order (i, p, j) keeps the inner loop contiguous in B and C.
        for (int i = 0; i < m; i++)
        {
            Span<T> row = c.Slice(i * n, n);
            if (be == T.Zero)
            {
                row.Clear();
            }
            else if (be != T.One)
            {
                for (int j = 0; j < n; j++)
                {
                    row[j] *= be;
                }
            }

            for (int p = 0; p < k; p++)
            {
                T aip = al * (transposeA ? a[(p * m) + i] : a[(i * k) + p]);
                for (int j = 0; j < n; j++)
                {
                    row[j] += aip * (transposeB ? b[(j * k) + p] : b[(p * n) + j]);
                }
            }
        }
    }

    private static void CheckLength(int actual, long needed, string name)
    {
        if (actual < needed)
        {
            throw new ArgumentException($"Matrix {name} has {actual} elements but its shape needs {needed}.", name);
        }
    }
}
