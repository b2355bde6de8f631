using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Numerics;

/// <summary>
/// Packing: the part of GEMM that is pure data movement. At the book's shapes (m = 128) every packed
/// element is used only about a hundred times, so packing must run near memory speed, not at one
/// element per several cycles: gathers across rows go through in-register transposes of square tiles.
/// </summary>
internal static unsafe partial class GemmKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Side of the square tile transposed in registers: one Vector256 (8 floats, 4 doubles).</summary>
    private static int Tile => Vector256<T>.Count;

    /// <summary>
    /// Packs rows ic..ic+mc, depth pc..pc+kc of α·op(A) into MR-row micro-panels: panel r holds, for each
    /// p, the MR values op(A)(ic+r·MR+i, pc+p) contiguously; rows past m are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(T* a, nint lda, bool ta, int ic, int mc, int pc, int kc, int mr, T alpha, T* dst)
    {
        bool scale = alpha != T.One;
        if (ta)
        {
            // Stored k×m: each depth step of a panel is MR contiguous values. Panel by panel keeps the
            // writes sequential; depth-outer order would write to panels KC·MR apart, which alias in L1.
            for (int ir = 0; ir < mc; ir += mr)
            {
                int rows = Math.Min(mr, mc - ir);
                T* src = a + ((nint)pc * lda) + ic + ir;
                T* panel = dst + ((nint)ir * kc);
                for (int p = 0; p < kc; p++)
                {
                    CopyScaled(src + (p * lda), panel + ((nint)p * mr), rows, mr, scale, alpha);
                }
            }

            return;
        }

        int tile = Tile;
        bool transpose = Avx.IsSupported && mr % tile == 0;
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            T* panel = dst + ((nint)ir * kc);
            T* src = a + ((nint)(ic + ir) * lda) + pc;
            int p = 0;
            if (transpose && rows == mr)
            {
                for (; p + tile <= kc; p += tile)
                {
                    for (int i = 0; i < mr; i += tile)
                    {
                        Transpose(src + (i * lda) + p, lda, panel + ((nint)p * mr) + i, mr, scale, alpha);
                    }
                }
            }

            for (; p < kc; p++)
            {
                T* d = panel + ((nint)p * mr);
                int i = 0;
                for (; i < rows; i++)
                {
                    T v = src[(i * lda) + p];
                    d[i] = scale ? alpha * v : v;
                }

                for (; i < mr; i++)
                {
                    d[i] = T.Zero;
                }
            }
        }
    }

    /// <summary>
    /// Packs depth pc..pc+kc, columns jc..jc+nc of op(B) into micro-panels NR wide (the last one one
    /// vector wide when that covers the rest): for each p, the panel's values op(B)(pc+p, j) contiguously;
    /// columns past n are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(T* b, nint ldb, bool tb, int pc, int kc, int jc, int nc, int nr, int lanes, T* dst)
    {
        int tile = Tile;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            int width = cols > lanes ? nr : lanes;
            T* panel = dst + ((nint)jr * kc);
            if (!tb)
            {
                T* src = b + ((nint)pc * ldb) + jc + jr;
                for (int p = 0; p < kc; p++)
                {
                    CopyScaled(src + (p * ldb), panel + (p * width), cols, width, scale: false, T.One);
                }

                continue;
            }

            // Stored n×k: column j of op(B) is row j of B. Whole tiles of rows are transposed in registers.
            T* rowsStart = b + ((nint)(jc + jr) * ldb) + pc;
            int fullRows = Avx.IsSupported ? cols / tile * tile : 0;
            for (int j = 0; j < fullRows; j += tile)
            {
                int p = 0;
                for (; p + tile <= kc; p += tile)
                {
                    Transpose(rowsStart + (j * ldb) + p, ldb, panel + ((nint)p * width) + j, width, scale: false, T.One);
                }

                for (; p < kc; p++)
                {
                    for (int q = 0; q < tile; q++)
                    {
                        panel[(p * width) + j + q] = rowsStart[((j + q) * ldb) + p];
                    }
                }
            }

            for (int j = fullRows; j < cols; j++)
            {
                T* s = rowsStart + (j * ldb);
                for (int p = 0; p < kc; p++)
                {
                    panel[(p * width) + j] = s[p];
                }
            }

            if (cols < width)
            {
                for (int p = 0; p < kc; p++)
                {
                    new Span<T>(panel + (p * width) + cols, width - cols).Clear();
                }
            }
        }
    }

    /// <summary>Copies <paramref name="count"/> values (optionally times α) and zero-fills up to <paramref name="width"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyScaled(T* src, T* dst, int count, int width, bool scale, T alpha)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var factor = Vector256.Create(alpha);
            for (; i + Vector256<T>.Count <= count; i += Vector256<T>.Count)
            {
                var v = Vector256.Load(src + i);
                (scale ? v * factor : v).Store(dst + i);
            }
        }

        for (; i < count; i++)
        {
            dst[i] = scale ? alpha * src[i] : src[i];
        }

        for (; i < width; i++)
        {
            dst[i] = T.Zero;
        }
    }

    /// <summary>
    /// Writes the transpose of the Tile×Tile block at <paramref name="src"/> (row stride <paramref name="lds"/>)
    /// to <paramref name="dst"/> (row stride <paramref name="ldd"/>), optionally scaled by α. Needs AVX.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(T* src, nint lds, T* dst, nint ldd, bool scale, T alpha)
    {
        if (typeof(T) == typeof(float))
        {
            Transpose8x8((float*)src, lds, (float*)dst, ldd, scale, float.CreateTruncating(alpha));
        }
        else
        {
            Transpose4x4((double*)src, lds, (double*)dst, ldd, scale, double.CreateTruncating(alpha));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose8x8(float* src, nint lds, float* dst, nint ldd, bool scale, float alpha)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + lds);
        var r2 = Avx.LoadVector256(src + (2 * lds));
        var r3 = Avx.LoadVector256(src + (3 * lds));
        var r4 = Avx.LoadVector256(src + (4 * lds));
        var r5 = Avx.LoadVector256(src + (5 * lds));
        var r6 = Avx.LoadVector256(src + (6 * lds));
        var r7 = Avx.LoadVector256(src + (7 * lds));
        if (scale)
        {
            var f = Vector256.Create(alpha);
            r0 *= f;
            r1 *= f;
            r2 *= f;
            r3 *= f;
            r4 *= f;
            r5 *= f;
            r6 *= f;
            r7 *= f;
        }

        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + (2 * ldd), Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + (3 * ldd), Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + (4 * ldd), Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + (5 * ldd), Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + (6 * ldd), Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + (7 * ldd), Avx.Permute2x128(u3, u7, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose4x4(double* src, nint lds, double* dst, nint ldd, bool scale, double alpha)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + lds);
        var r2 = Avx.LoadVector256(src + (2 * lds));
        var r3 = Avx.LoadVector256(src + (3 * lds));
        if (scale)
        {
            var f = Vector256.Create(alpha);
            r0 *= f;
            r1 *= f;
            r2 *= f;
            r3 *= f;
        }

        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        Avx.Store(dst, Avx.Permute2x128(t0, t2, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(t1, t3, 0x20));
        Avx.Store(dst + (2 * ldd), Avx.Permute2x128(t0, t2, 0x31));
        Avx.Store(dst + (3 * ldd), Avx.Permute2x128(t1, t3, 0x31));
    }
}
