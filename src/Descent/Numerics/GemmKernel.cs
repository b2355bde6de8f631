using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Numerics;

/// <summary>How a micro-kernel stores its accumulated tile into C.</summary>
internal enum GemmStore
{
    /// <summary>The first depth block with β = 0: overwrite, so NaN already in C is ignored.</summary>
    Overwrite,

    /// <summary>A later depth block: add to C.</summary>
    Accumulate,

    /// <summary>The first depth block with β ≠ 0: add β·C.</summary>
    ScaleAndAdd,
}

/// <summary>The vector width a GEMM call runs with (tests force the narrower one).</summary>
internal enum GemmIsa
{
    /// <summary>512-bit registers: 8×(2 vectors) micro-tiles, 16 accumulators of 32 registers.</summary>
    Vector512,

    /// <summary>256-bit registers: 6×(2 vectors) micro-tiles, 12 accumulators of 16 registers.</summary>
    Vector256,
}

/// <summary>
/// Cache-blocked GEMM in the GotoBLAS/BLIS arrangement. B is packed into KC×NR micro-panels (one sits in
/// L1 while every A micro-panel streams past it), A into MR×KC micro-panels of an MC×KC block that stays
/// in L2; the micro-kernel keeps an MR×NR tile of C in registers for the whole KC loop. Packing absorbs
/// the transposes, so all four variants run the same micro-kernel. α is folded into packed A (as the
/// reference loop does: (α·a)·b), β is applied once, when the first KC block is stored.
/// </summary>
/// <remarks>
/// Every element of C goes through the same sequence of operations whatever the tile, edge or thread
/// split, so the multi-threaded result equals the single-threaded one bit for bit.
/// </remarks>
internal static unsafe partial class GemmKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Depth of a packed block: KC·NR·sizeof(T) = 32 KiB (NR = 32 floats or 16 doubles) keeps a B micro-panel in L1.</summary>
    internal const int Kc = 256;

    /// <summary>Rows of an A block: MC·KC·sizeof(T) = 192 KiB stays in L2 (1 MiB per core here).</summary>
    internal const int Mc = 192;

    /// <summary>Columns of a B block: KC·NC·sizeof(T) = 4 MiB, shared L3 is 32 MiB.</summary>
    internal const int Nc = 4096;

    /// <summary>
    /// Depth of the packed blocks for a product of depth k: at most KC, and equal blocks, so that k = 784
    /// runs as 4×196 rather than 3×256 + 16 (a thin last block pays a full pass over C for little work).
    /// </summary>
    internal static int BlockDepth(int k)
    {
        int blocks = Math.Max(1, (k + Kc - 1) / Kc);
        return (k + blocks - 1) / blocks;
    }

    /// <summary>Rows of a micro-tile.</summary>
    internal static int Mr(GemmIsa isa) => isa == GemmIsa.Vector512 ? 8 : 6;

    /// <summary>Lanes of one vector.</summary>
    internal static int Lanes(GemmIsa isa) => isa == GemmIsa.Vector512 ? Vector512<T>.Count : Vector256<T>.Count;

    /// <summary>
    /// Computes <c>C ← α·op(A)·op(B) + β·C</c> on one thread. op(A)(i,p) is <c>a[i·lda + p]</c>, or
    /// <c>a[p·lda + i]</c> when <paramref name="ta"/>; op(B)(p,j) is <c>b[p·ldb + j]</c>, or <c>b[j·ldb + p]</c>
    /// when <paramref name="tb"/>; C(i,j) is <c>c[i·ldc + j]</c>. When <paramref name="sharedA"/> or
    /// <paramref name="sharedB"/> is given, that operand was already packed whole (see <see cref="PackWholeA"/>,
    /// <see cref="PackWholeB"/>; B only when n ≤ NC) and is not packed again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(
        T* a, nint lda, bool ta, T* b, nint ldb, bool tb, T* c, nint ldc,
        int m, int k, int n, T alpha, T beta, GemmIsa isa, T* sharedA = null, T* sharedB = null)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0 || alpha == T.Zero)
        {
            ScaleC(c, ldc, m, n, beta);
            return;
        }

        int mr = Mr(isa);
        int nr = 2 * Lanes(isa);
        int kcMax = BlockDepth(k);
        int mcMax = Mc / mr * mr;
        int ncMax = Nc;
        var buffers = PackBuffers.Get(
            (nint)kcMax * RoundUp(Math.Min(m, mcMax), mr),
            (nint)kcMax * RoundUp(Math.Min(n, ncMax), nr));
        T* packA = buffers.A;
        T* packB = buffers.B;
        T* edge = stackalloc T[8 * 32 + 16];
        edge = (T*)(((nint)edge + 63) & ~(nint)63);

        for (int jc = 0; jc < n; jc += ncMax)
        {
            int nc = Math.Min(ncMax, n - jc);
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                bool first = pc == 0;
                if (sharedB != null)
                {
                    packB = sharedB + ((nint)pc * PaddedColumns(n, isa));
                }
                else
                {
                    PackB(b, ldb, tb, pc, kc, jc, nc, nr, Lanes(isa), packB);
                }

                for (int ic = 0; ic < m; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, m - ic);
                    if (sharedA != null)
                    {
                        packA = sharedA + ((nint)pc * RoundUp(m, mr)) + ((nint)ic * kc);
                    }
                    else
                    {
                        PackA(a, lda, ta, ic, mc, pc, kc, mr, alpha, packA);
                    }

                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int nrValid = Math.Min(nr, nc - jr);
                        bool wide = nrValid > Lanes(isa);
                        T* bPanel = packB + ((nint)jr * kc);
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int mrValid = Math.Min(mr, mc - ir);
                            T* aPanel = packA + ((nint)ir * kc);
                            T* cTile = c + ((ic + ir) * ldc) + jc + jr;
                            int panelWidth = wide ? nr : Lanes(isa);
                            if (mrValid == mr && nrValid == panelWidth)
                            {
                                MicroKernel(isa, wide, aPanel, bPanel, kc, cTile, ldc, first, beta);
                            }
                            else
                            {
                                // Edge tile: compute the full tile into scratch, then merge the valid part
                                // with the same formula the vector store uses.
                                MicroKernel(isa, wide, aPanel, bPanel, kc, edge, panelWidth, first: true, T.Zero);
                                MergeEdge(edge, panelWidth, cTile, ldc, mrValid, nrValid, first, beta);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Columns of op(B) once packed: whole NR panels plus a last panel one or two vectors wide.</summary>
    internal static int PaddedColumns(int n, GemmIsa isa)
    {
        int nr = 2 * Lanes(isa);
        int rest = n % nr;
        return (n - rest) + (rest == 0 ? 0 : rest > Lanes(isa) ? nr : Lanes(isa));
    }

    /// <summary>Elements <see cref="PackWholeA"/> writes: the rows rounded up to MR, times k.</summary>
    internal static nint WholeASize(int m, int k, GemmIsa isa) => (nint)RoundUp(m, Mr(isa)) * k;

    /// <summary>Elements <see cref="PackWholeB"/> writes.</summary>
    internal static nint WholeBSize(int k, int n, GemmIsa isa) => (nint)PaddedColumns(n, isa) * k;

    /// <summary>
    /// Packs one MR-row panel (rows i0..i0+MR) of depth block pc of the whole α·op(A), for
    /// <see cref="Run"/>'s <c>sharedA</c>: block pc starts at pc·RoundUp(m, MR), the panel at i0·kc.
    /// </summary>
    internal static void PackWholeA(T* a, nint lda, bool ta, int m, int k, int pc, int i0, T alpha, GemmIsa isa, T* dst)
    {
        int mr = Mr(isa);
        int kc = Math.Min(BlockDepth(k), k - pc);
        PackA(a, lda, ta, i0, Math.Min(mr, m - i0), pc, kc, mr, alpha, dst + ((nint)pc * RoundUp(m, mr)) + ((nint)i0 * kc));
    }

    /// <summary>
    /// Packs one NR-column panel (columns j0..j0+NR) of depth block pc of the whole op(B), for
    /// <see cref="Run"/>'s <c>sharedB</c>: block pc starts at pc·PaddedColumns(n), the panel at j0·kc.
    /// </summary>
    internal static void PackWholeB(T* b, nint ldb, bool tb, int k, int n, int pc, int j0, GemmIsa isa, T* dst)
    {
        int nr = 2 * Lanes(isa);
        int kc = Math.Min(BlockDepth(k), k - pc);
        PackB(b, ldb, tb, pc, kc, j0, Math.Min(nr, n - j0), nr, Lanes(isa), dst + ((nint)pc * PaddedColumns(n, isa)) + ((nint)j0 * kc));
    }

    /// <summary>The calling thread's buffer for a whole packed operand shared with helper threads.</summary>
    internal static T* SharedBuffer(nint size) => PackBuffers.Shared(size);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel(GemmIsa isa, bool wide, T* a, T* b, int kc, T* c, nint ldc, bool first, T beta)
    {
        var mode = !first ? GemmStore.Accumulate : beta == T.Zero ? GemmStore.Overwrite : GemmStore.ScaleAndAdd;
        if (isa == GemmIsa.Vector512)
        {
            if (wide)
            {
                Kernel512x2(a, b, kc, c, ldc, mode, beta);
            }
            else
            {
                Kernel512x1(a, b, kc, c, ldc, mode, beta);
            }
        }
        else if (wide)
        {
            Kernel256x2(a, b, kc, c, ldc, mode, beta);
        }
        else
        {
            Kernel256x1(a, b, kc, c, ldc, mode, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MergeEdge(T* tile, nint ldt, T* c, nint ldc, int rows, int cols, bool first, T beta)
    {
        for (int i = 0; i < rows; i++)
        {
            T* t = tile + (i * ldt);
            T* ci = c + (i * ldc);
            for (int j = 0; j < cols; j++)
            {
                ci[j] = !first ? ci[j] + t[j] : beta == T.Zero ? t[j] : T.FusedMultiplyAdd(beta, ci[j], t[j]);
            }
        }
    }

    private static void ScaleC(T* c, nint ldc, int m, int n, T beta)
    {
        for (int i = 0; i < m; i++)
        {
            Gemm.ScaleRow(new Span<T>(c + (i * ldc), n), beta);
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma(Vector512<T> x, Vector512<T> y, Vector512<T> z)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        }

        return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma(Vector256<T> x, Vector256<T> y, Vector256<T> z)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        }

        return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
    }

    /// <summary>Stores one accumulator as <paramref name="mode"/> says.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, Vector512<T> acc, GemmStore mode, Vector512<T> beta)
    {
        if (mode == GemmStore.Accumulate)
        {
            acc += Vector512.Load(c);
        }
        else if (mode == GemmStore.ScaleAndAdd)
        {
            acc = Fma(beta, Vector512.Load(c), acc);
        }

        acc.Store(c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, Vector256<T> acc, GemmStore mode, Vector256<T> beta)
    {
        if (mode == GemmStore.Accumulate)
        {
            acc += Vector256.Load(c);
        }
        else if (mode == GemmStore.ScaleAndAdd)
        {
            acc = Fma(beta, Vector256.Load(c), acc);
        }

        acc.Store(c);
    }

    /// <summary>
    /// Asks for the C tile before the depth loop: C is touched once per KC block, so it comes from L3 or
    /// memory, and loading it only at the end would stall the store of every tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile(T* c, nint ldc, int rows, int cols)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        for (int i = 0; i < rows; i++)
        {
            T* row = c + (i * ldc);
            Sse.Prefetch0(row);
            Sse.Prefetch0(row + cols - 1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Kernel512x2(T* a, T* b, int kc, T* c, nint ldc, GemmStore mode, T beta)
    {
        int w = Vector512<T>.Count;
        PrefetchTile(c, ldc, 8, 2 * w);
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<T> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<T> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<T> c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<T> b0 = Vector512.Load(b);
            Vector512<T> b1 = Vector512.Load(b + w);
            Vector512<T> x = Vector512.Create(a[0]);
            c00 = Fma(x, b0, c00);
            c01 = Fma(x, b1, c01);
            x = Vector512.Create(a[1]);
            c10 = Fma(x, b0, c10);
            c11 = Fma(x, b1, c11);
            x = Vector512.Create(a[2]);
            c20 = Fma(x, b0, c20);
            c21 = Fma(x, b1, c21);
            x = Vector512.Create(a[3]);
            c30 = Fma(x, b0, c30);
            c31 = Fma(x, b1, c31);
            x = Vector512.Create(a[4]);
            c40 = Fma(x, b0, c40);
            c41 = Fma(x, b1, c41);
            x = Vector512.Create(a[5]);
            c50 = Fma(x, b0, c50);
            c51 = Fma(x, b1, c51);
            x = Vector512.Create(a[6]);
            c60 = Fma(x, b0, c60);
            c61 = Fma(x, b1, c61);
            x = Vector512.Create(a[7]);
            c70 = Fma(x, b0, c70);
            c71 = Fma(x, b1, c71);
            a += 8;
            b += 2 * w;
        }

        var bv = Vector512.Create(beta);
        Store(c, c00, mode, bv);
        Store(c + w, c01, mode, bv);
        c += ldc;
        Store(c, c10, mode, bv);
        Store(c + w, c11, mode, bv);
        c += ldc;
        Store(c, c20, mode, bv);
        Store(c + w, c21, mode, bv);
        c += ldc;
        Store(c, c30, mode, bv);
        Store(c + w, c31, mode, bv);
        c += ldc;
        Store(c, c40, mode, bv);
        Store(c + w, c41, mode, bv);
        c += ldc;
        Store(c, c50, mode, bv);
        Store(c + w, c51, mode, bv);
        c += ldc;
        Store(c, c60, mode, bv);
        Store(c + w, c61, mode, bv);
        c += ldc;
        Store(c, c70, mode, bv);
        Store(c + w, c71, mode, bv);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512x1(T* a, T* b, int kc, T* c, nint ldc, GemmStore mode, T beta)
    {
        int w = Vector512<T>.Count;
        PrefetchTile(c, ldc, 8, w);
        Vector512<T> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<T> c4 = default, c5 = default, c6 = default, c7 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<T> b0 = Vector512.Load(b);
            c0 = Fma(Vector512.Create(a[0]), b0, c0);
            c1 = Fma(Vector512.Create(a[1]), b0, c1);
            c2 = Fma(Vector512.Create(a[2]), b0, c2);
            c3 = Fma(Vector512.Create(a[3]), b0, c3);
            c4 = Fma(Vector512.Create(a[4]), b0, c4);
            c5 = Fma(Vector512.Create(a[5]), b0, c5);
            c6 = Fma(Vector512.Create(a[6]), b0, c6);
            c7 = Fma(Vector512.Create(a[7]), b0, c7);
            a += 8;
            b += w;
        }

        var bv = Vector512.Create(beta);
        Store(c, c0, mode, bv);
        Store(c + ldc, c1, mode, bv);
        Store(c + (2 * ldc), c2, mode, bv);
        Store(c + (3 * ldc), c3, mode, bv);
        Store(c + (4 * ldc), c4, mode, bv);
        Store(c + (5 * ldc), c5, mode, bv);
        Store(c + (6 * ldc), c6, mode, bv);
        Store(c + (7 * ldc), c7, mode, bv);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel256x2(T* a, T* b, int kc, T* c, nint ldc, GemmStore mode, T beta)
    {
        int w = Vector256<T>.Count;
        PrefetchTile(c, ldc, 6, 2 * w);
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<T> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<T> c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<T> b0 = Vector256.Load(b);
            Vector256<T> b1 = Vector256.Load(b + w);
            Vector256<T> x = Vector256.Create(a[0]);
            c00 = Fma(x, b0, c00);
            c01 = Fma(x, b1, c01);
            x = Vector256.Create(a[1]);
            c10 = Fma(x, b0, c10);
            c11 = Fma(x, b1, c11);
            x = Vector256.Create(a[2]);
            c20 = Fma(x, b0, c20);
            c21 = Fma(x, b1, c21);
            x = Vector256.Create(a[3]);
            c30 = Fma(x, b0, c30);
            c31 = Fma(x, b1, c31);
            x = Vector256.Create(a[4]);
            c40 = Fma(x, b0, c40);
            c41 = Fma(x, b1, c41);
            x = Vector256.Create(a[5]);
            c50 = Fma(x, b0, c50);
            c51 = Fma(x, b1, c51);
            a += 6;
            b += 2 * w;
        }

        var bv = Vector256.Create(beta);
        Store(c, c00, mode, bv);
        Store(c + w, c01, mode, bv);
        c += ldc;
        Store(c, c10, mode, bv);
        Store(c + w, c11, mode, bv);
        c += ldc;
        Store(c, c20, mode, bv);
        Store(c + w, c21, mode, bv);
        c += ldc;
        Store(c, c30, mode, bv);
        Store(c + w, c31, mode, bv);
        c += ldc;
        Store(c, c40, mode, bv);
        Store(c + w, c41, mode, bv);
        c += ldc;
        Store(c, c50, mode, bv);
        Store(c + w, c51, mode, bv);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel256x1(T* a, T* b, int kc, T* c, nint ldc, GemmStore mode, T beta)
    {
        int w = Vector256<T>.Count;
        PrefetchTile(c, ldc, 6, w);
        Vector256<T> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<T> b0 = Vector256.Load(b);
            c0 = Fma(Vector256.Create(a[0]), b0, c0);
            c1 = Fma(Vector256.Create(a[1]), b0, c1);
            c2 = Fma(Vector256.Create(a[2]), b0, c2);
            c3 = Fma(Vector256.Create(a[3]), b0, c3);
            c4 = Fma(Vector256.Create(a[4]), b0, c4);
            c5 = Fma(Vector256.Create(a[5]), b0, c5);
            a += 6;
            b += w;
        }

        var bv = Vector256.Create(beta);
        Store(c, c0, mode, bv);
        Store(c + ldc, c1, mode, bv);
        Store(c + (2 * ldc), c2, mode, bv);
        Store(c + (3 * ldc), c3, mode, bv);
        Store(c + (4 * ldc), c4, mode, bv);
        Store(c + (5 * ldc), c5, mode, bv);
    }

    /// <summary>
    /// Per-thread packing buffers, 64-byte aligned inside pinned arrays so their addresses never move;
    /// they only grow, so the book's repeated shapes allocate nothing after the first call.
    /// </summary>
    private sealed class PackBuffers
    {
        [ThreadStatic]
        private static PackBuffers? s_current;

        private T[] _a = [];
        private T[] _b = [];
        private T[] _shared = [];
        private T* _sharedStart;

        public T* A { get; private set; }

        public T* B { get; private set; }

        public static PackBuffers Get(nint sizeA, nint sizeB)
        {
            var buffers = s_current ??= new PackBuffers();
            if (buffers._a.Length < sizeA + 64)
            {
                buffers._a = GC.AllocateUninitializedArray<T>((int)sizeA + 64, pinned: true);
                buffers.A = Align(buffers._a);
            }

            if (buffers._b.Length < sizeB + 64)
            {
                buffers._b = GC.AllocateUninitializedArray<T>((int)sizeB + 64, pinned: true);
                buffers.B = Align(buffers._b);
            }

            return buffers;
        }

        /// <summary>The calling thread's buffer for an operand packed whole and shared with helper threads.</summary>
        public static T* Shared(nint size)
        {
            var buffers = s_current ??= new PackBuffers();
            if (buffers._shared.Length < size + 64)
            {
                buffers._shared = GC.AllocateUninitializedArray<T>((int)size + 64, pinned: true);
                buffers._sharedStart = Align(buffers._shared);
            }

            return buffers._sharedStart;
        }

        private static T* Align(T[] array)
        {
            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            return (T*)((address + 63) & ~(nint)63);
        }
    }
}
