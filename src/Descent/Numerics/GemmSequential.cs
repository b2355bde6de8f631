using System.Buffers;
using System.Numerics;

namespace Descent.Numerics;

/// <summary>
/// <c>C ← α·op(A)·op(B) + β·C</c> with each element summed one product at a time in k order, a multiply then
/// an add (no fused multiply-add) — the arithmetic of the reference BLAS's triple loop. Vectorised across the
/// columns of C, which leaves every element's operation sequence unchanged, so the result equals the scalar loop
/// bit for bit. Used to reproduce runs computed with a naive BLAS; far slower than the blocked kernel.
/// </summary>
internal static class GemmSequential
{
    public static void Run<T>(
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n,
        bool transposeA, bool transposeB, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[]? rented = null;
        if (transposeB)
        {
            // Lay Bᵀ out as k×n so the inner loop reads rows; copying changes no arithmetic.
            rented = ArrayPool<T>.Shared.Rent(k * n);
            var bt = rented.AsSpan(0, k * n);
            for (int j = 0; j < n; j++)
            {
                for (int p = 0; p < k; p++)
                {
                    bt[(p * n) + j] = b[(j * k) + p];
                }
            }

            b = bt;
        }

        try
        {
            for (int i = 0; i < m; i++)
            {
                Span<T> row = c.Slice(i * n, n);
                Gemm.ScaleRow(row, beta);
                for (int p = 0; p < k; p++)
                {
                    T aip = alpha * (transposeA ? a[(p * m) + i] : a[(i * k) + p]);
                    AddScaled(row, b.Slice(p * n, n), aip);
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<T>.Shared.Return(rented);
            }
        }
    }

    // row[j] += s * x[j]: a multiply, then an add (the JIT never contracts these into an FMA).
    private static void AddScaled<T>(Span<T> row, ReadOnlySpan<T> x, T s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated && row.Length >= Vector<T>.Count)
        {
            var scale = new Vector<T>(s);
            for (; j <= row.Length - Vector<T>.Count; j += Vector<T>.Count)
            {
                var r = new Vector<T>(row[j..]);
                (r + (scale * new Vector<T>(x[j..]))).CopyTo(row[j..]);
            }
        }

        for (; j < row.Length; j++)
        {
            row[j] += s * x[j];
        }
    }
}
