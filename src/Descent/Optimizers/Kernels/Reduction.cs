using System.Numerics;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// One pass over a tensor that may update elements and returns two sums (LAMB's norms, Prodigy's and D-Adaptation's
/// inner products, the per-tensor norms). The kernel is a ref struct over its spans: element i is handled by
/// <see cref="Scalar"/>, or <c>TV.Count</c> elements from i by <see cref="Vector{TV}"/>, each returning its two
/// contributions.
/// </summary>
internal interface IReduction<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    int Length { get; }

    (T First, T Second) Scalar(int i);

    (TV First, TV Second) Simd<TV>(int i)
        where TV : unmanaged, ISimdVector<TV, T>;
}

/// <summary>
/// A pass whose result is Σ x², each x squared and accumulated in double with one rounding (Adafactor's norms, as
/// PyTorch's CPU kernels fuse and accumulate float in double). Element i yields x from <see cref="Scalar"/>, or
/// <c>TV.Count</c> elements from i yield theirs from <see cref="Vector{TV}"/>.
/// </summary>
internal interface ISquaresReduction<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    int Length { get; }

    T Scalar(int i);

    TV Simd<TV>(int i)
        where TV : unmanaged, ISimdVector<TV, T>;
}

/// <summary>
/// The one deterministic reduction: sums in a fixed order that every path follows, so the vector paths give the
/// scalar reference's bits. Element i adds into partial sum i mod 16, and the sixteen partials combine pairwise,
/// (s₀ + s₈), then (s₀ + s₄), …. Sixteen is a multiple of every vector width (2, 4 or 8 doubles; 4, 8 or 16 floats),
/// so a vector path holds 16/Count accumulators whose lanes are exactly those partials, and the scalar tail
/// continues them.
/// </summary>
internal static class Reduction
{
    private const int Partials = 16;

    /// <summary>Two sums in <typeparamref name="T"/>, each contribution added (never fused) to its partial.</summary>
    public static (T First, T Second) Run<T, TKernel>(ref TKernel kernel, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IReduction<T>, allows ref struct
    {
        Span<T> first = stackalloc T[Partials];
        Span<T> second = stackalloc T[Partials];
        first.Clear();
        second.Clear();
        int i = Elementwise.Resolve(path) switch
        {
            KernelPath.Vector512 => Loop<T, TKernel, Simd512<T>>(ref kernel, first, second),
            KernelPath.Vector256 => Loop<T, TKernel, Simd256<T>>(ref kernel, first, second),
            KernelPath.Vector128 => Loop<T, TKernel, Simd128<T>>(ref kernel, first, second),
            _ => 0,
        };
        for (; i < kernel.Length; i++)
        {
            var (a, b) = kernel.Scalar(i);
            first[i % Partials] += a;
            second[i % Partials] += b;
        }

        return (Combine(first), Combine(second));
    }

    /// <summary>Σ x² in double, each square added with one rounding (<c>fma(x, x, partial)</c>).</summary>
    public static double SumOfSquares<T, TKernel>(ref TKernel kernel, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : ISquaresReduction<T>, allows ref struct
    {
        Span<double> partials = stackalloc double[Partials];
        partials.Clear();
        int i = Elementwise.Resolve(path) switch
        {
            KernelPath.Vector512 => SquaresLoop<T, TKernel, Simd512<T>>(ref kernel, partials),
            KernelPath.Vector256 => SquaresLoop<T, TKernel, Simd256<T>>(ref kernel, partials),
            KernelPath.Vector128 => SquaresLoop<T, TKernel, Simd128<T>>(ref kernel, partials),
            _ => 0,
        };
        for (; i < kernel.Length; i++)
        {
            double x = double.CreateTruncating(kernel.Scalar(i));
            partials[i % Partials] = Math.FusedMultiplyAdd(x, x, partials[i % Partials]);
        }

        return Combine(partials);
    }

    private static int Loop<T, TKernel, TV>(ref TKernel kernel, scoped Span<T> first, scoped Span<T> second)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IReduction<T>, allows ref struct
        where TV : unmanaged, ISimdVector<TV, T>
    {
        int blocks = Partials / TV.Count;
        Span<TV> a = stackalloc TV[Partials / 2];
        Span<TV> b = stackalloc TV[Partials / 2];
        a.Clear();
        b.Clear();
        int i = 0;
        for (; i <= kernel.Length - Partials; i += Partials)
        {
            for (int k = 0; k < blocks; k++)
            {
                var (x, y) = kernel.Simd<TV>(i + (k * TV.Count));
                a[k] += x;
                b[k] += y;
            }
        }

        for (int k = 0; k < blocks; k++)
        {
            TV.Store(a[k], ref first[k * TV.Count]);
            TV.Store(b[k], ref second[k * TV.Count]);
        }

        return i;
    }

    private static int SquaresLoop<T, TKernel, TV>(ref TKernel kernel, scoped Span<double> partials)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : ISquaresReduction<T>, allows ref struct
        where TV : unmanaged, ISimdVector<TV, T>
    {
        int i = 0;
        for (; i <= kernel.Length - Partials; i += Partials)
        {
            for (int k = 0; k < Partials; k += TV.Count)
            {
                TV.AddSquaresInDouble(kernel.Simd<TV>(i + k), ref partials[k]);
            }
        }

        return i;
    }

    private static TSum Combine<TSum>(Span<TSum> partials)
        where TSum : unmanaged, IFloatingPointIeee754<TSum>
    {
        for (int width = Partials / 2; width > 0; width /= 2)
        {
            for (int k = 0; k < width; k++)
            {
                partials[k] += partials[k + width];
            }
        }

        return partials[0];
    }
}
