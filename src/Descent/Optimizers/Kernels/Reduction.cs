using System.Numerics;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// One pass over a tensor that updates elements and returns two sums (LAMB's norms, Prodigy's and D-Adaptation's
/// inner products). The kernel is a ref struct over its spans: element i is updated by <see cref="Scalar"/>, or
/// <c>TV.Count</c> elements from i by <see cref="Vector{TV}"/>, each returning its two contributions.
/// </summary>
internal interface IReduction<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    int Length { get; }

    (T First, T Second) Scalar(int i);

    (TV First, TV Second) Vector<TV>(int i)
        where TV : unmanaged, ISimdVector<TV, T>;
}

/// <summary>
/// Runs an <see cref="IReduction{T}"/> with sums in a fixed order that every path follows, so the vector paths give
/// the scalar reference's bits: element i adds into partial sum i mod 16, and the sixteen partials combine pairwise,
/// (s₀ + s₈), then (s₀ + s₄), …. Sixteen is a multiple of every vector width (4 or 8 doubles, 8 or 16 floats), so a
/// vector path holds 16/Count accumulators whose lanes are exactly those partials, and the scalar tail continues them.
/// </summary>
internal static class Reduction
{
    private const int Partials = 16;

    public static (T First, T Second) Run<T, TKernel>(ref TKernel kernel, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IReduction<T>, allows ref struct
    {
        Span<T> first = stackalloc T[Partials];
        Span<T> second = stackalloc T[Partials];
        first.Clear();
        second.Clear();
        int i = (path == KernelPath.Auto ? Elementwise.Best : path) switch
        {
            KernelPath.Vector512 => Loop<T, TKernel, Simd512<T>>(ref kernel, first, second),
            KernelPath.Vector256 => Loop<T, TKernel, Simd256<T>>(ref kernel, first, second),
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

    private static int Loop<T, TKernel, TV>(ref TKernel kernel, scoped Span<T> first, scoped Span<T> second)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IReduction<T>, allows ref struct
        where TV : unmanaged, ISimdVector<TV, T>
    {
        int blocks = Partials / TV.Count;
        Span<TV> a = stackalloc TV[Partials / 4];
        Span<TV> b = stackalloc TV[Partials / 4];
        a.Clear();
        b.Clear();
        int i = 0;
        for (; i <= kernel.Length - Partials; i += Partials)
        {
            for (int k = 0; k < blocks; k++)
            {
                var (x, y) = kernel.Vector<TV>(i + (k * TV.Count));
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

    private static T Combine<T>(Span<T> partials)
        where T : unmanaged, IFloatingPointIeee754<T>
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
