using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// LAMB's two passes over one tensor, each with the scalar reference and vector bodies that give the same bits.
/// </summary>
/// <remarks>
/// The sums of squares are defined in a fixed order that every path follows: element j adds (multiply, then add;
/// never fused) into partial sum j mod 16, and the sixteen partials combine pairwise, (s₀+s₈), then (s₀+s₄), ….
/// Sixteen is a multiple of every vector width here (4 or 8 doubles, 8 or 16 floats), so a vector path holds
/// 16/Count accumulators whose lanes are exactly those partials, and the scalar tail continues them.
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal static class LambKernels<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int Partials = 16;

    /// <summary>Pass one: updates m and v, returns Σθ² and Σu² (θ before the step).</summary>
    public static (T ParameterSquares, T UpdateSquares) Moments(
        in LambKernel<T> kernel, ReadOnlySpan<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v, KernelPath path)
    {
        Span<T> parameterSums = stackalloc T[Partials];
        Span<T> updateSums = stackalloc T[Partials];
        parameterSums.Clear();
        updateSums.Clear();
        int i = (path == KernelPath.Auto ? Elementwise.Best : path) switch
        {
            KernelPath.Vector512 => MomentsLoop<Simd512<T>>(kernel, p, g, m, v, parameterSums, updateSums),
            KernelPath.Vector256 => MomentsLoop<Simd256<T>>(kernel, p, g, m, v, parameterSums, updateSums),
            _ => 0,
        };
        for (; i < p.Length; i++)
        {
            kernel.Moments(g[i], ref m[i], ref v[i]);
            T u = kernel.Direction(p[i], m[i], v[i]);
            parameterSums[i % Partials] += p[i] * p[i];
            updateSums[i % Partials] += u * u;
        }

        return (Combine(parameterSums), Combine(updateSums));
    }

    /// <summary>Pass two: θ ← θ + (−η)·(u·r), with u recomputed from the stored moments exactly as in pass one.</summary>
    public static void Apply(in LambKernel<T> kernel, T ratio, T negativeRate, Span<T> p, ReadOnlySpan<T> m, ReadOnlySpan<T> v, KernelPath path)
    {
        int i = (path == KernelPath.Auto ? Elementwise.Best : path) switch
        {
            KernelPath.Vector512 => ApplyLoop<Simd512<T>>(kernel, ratio, negativeRate, p, m, v),
            KernelPath.Vector256 => ApplyLoop<Simd256<T>>(kernel, ratio, negativeRate, p, m, v),
            _ => 0,
        };
        for (; i < p.Length; i++)
        {
            p[i] += negativeRate * (kernel.Direction(p[i], m[i], v[i]) * ratio);
        }
    }

    private static int MomentsLoop<TV>(
        in LambKernel<T> kernel, ReadOnlySpan<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v, Span<T> parameterSums, Span<T> updateSums)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        int blocks = Partials / TV.Count;
        Span<TV> parameterAccumulators = stackalloc TV[Partials / 4];
        Span<TV> updateAccumulators = stackalloc TV[Partials / 4];
        parameterAccumulators.Clear();
        updateAccumulators.Clear();
        ref T rp = ref MemoryMarshal.GetReference(p);
        ref T rg = ref MemoryMarshal.GetReference(g);
        ref T rm = ref MemoryMarshal.GetReference(m);
        ref T rv = ref MemoryMarshal.GetReference(v);
        int i = 0;
        for (; i <= p.Length - Partials; i += Partials)
        {
            for (int k = 0; k < blocks; k++)
            {
                int j = i + (k * TV.Count);
                TV vp = TV.Load(ref Unsafe.Add(ref rp, j));
                TV vm = TV.Load(ref Unsafe.Add(ref rm, j));
                TV vv = TV.Load(ref Unsafe.Add(ref rv, j));
                kernel.Moments(TV.Load(ref Unsafe.Add(ref rg, j)), ref vm, ref vv);
                TV u = kernel.Direction(vp, vm, vv);
                TV.Store(vm, ref Unsafe.Add(ref rm, j));
                TV.Store(vv, ref Unsafe.Add(ref rv, j));
                parameterAccumulators[k] += vp * vp;
                updateAccumulators[k] += u * u;
            }
        }

        for (int k = 0; k < blocks; k++)
        {
            TV.Store(parameterAccumulators[k], ref parameterSums[k * TV.Count]);
            TV.Store(updateAccumulators[k], ref updateSums[k * TV.Count]);
        }

        return i;
    }

    private static int ApplyLoop<TV>(in LambKernel<T> kernel, T ratio, T negativeRate, Span<T> p, ReadOnlySpan<T> m, ReadOnlySpan<T> v)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        ref T rp = ref MemoryMarshal.GetReference(p);
        ref T rm = ref MemoryMarshal.GetReference(m);
        ref T rv = ref MemoryMarshal.GetReference(v);
        TV r = TV.Create(ratio);
        TV rate = TV.Create(negativeRate);
        int i = 0;
        for (; i <= p.Length - TV.Count; i += TV.Count)
        {
            TV vp = TV.Load(ref Unsafe.Add(ref rp, i));
            TV u = kernel.Direction(vp, TV.Load(ref Unsafe.Add(ref rm, i)), TV.Load(ref Unsafe.Add(ref rv, i)));
            TV.Store(vp + (rate * (u * r)), ref Unsafe.Add(ref rp, i));
        }

        return i;
    }

    private static T Combine(Span<T> partials)
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
