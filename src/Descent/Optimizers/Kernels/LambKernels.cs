using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// LAMB's two passes over one tensor, each with the scalar reference and vector bodies that give the same bits.
/// The sums of squares of pass one follow <see cref="Reduction"/>'s fixed order (multiply, then add; never fused).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal static class LambKernels<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Pass one: updates m and v, returns Σθ² and Σu² (θ before the step).</summary>
    public static (T ParameterSquares, T UpdateSquares) Moments(
        in LambKernel<T> kernel, ReadOnlySpan<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v, KernelPath path)
    {
        var pass = new MomentsPass(kernel, p, g, m, v);
        return Reduction.Run<T, MomentsPass>(ref pass, path);
    }

    /// <summary>Pass two: θ ← θ + (−η)·(u·r), with u recomputed from the stored moments exactly as in pass one.</summary>
    public static void Apply(in LambKernel<T> kernel, T ratio, T negativeRate, Span<T> p, ReadOnlySpan<T> m, ReadOnlySpan<T> v, KernelPath path) =>
        Elementwise.Apply(new ApplyPass(kernel, ratio, negativeRate), p, m, v, path);

    private readonly struct ApplyPass(LambKernel<T> kernel, T ratio, T negativeRate) : IApply2<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Scalar(T p, T m, T v) => p + (negativeRate * (kernel.Direction(p, m, v) * ratio));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Simd<TV>(TV p, TV m, TV v)
            where TV : unmanaged, ISimdVector<TV, T> => p + (TV.Create(negativeRate) * (kernel.Direction(p, m, v) * TV.Create(ratio)));
    }

    /// <summary>Pass one as a reduction: element i updates its moments and contributes θᵢ² and uᵢ².</summary>
    private ref struct MomentsPass(LambKernel<T> kernel, ReadOnlySpan<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v) : IReduction<T>
    {
        private readonly ReadOnlySpan<T> _p = p;
        private readonly ReadOnlySpan<T> _g = g;
        private readonly Span<T> _m = m;
        private readonly Span<T> _v = v;

        public readonly int Length => _p.Length;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly (T First, T Second) Scalar(int i)
        {
            kernel.Moments(_g[i], ref _m[i], ref _v[i]);
            T u = kernel.Direction(_p[i], _m[i], _v[i]);
            return (_p[i] * _p[i], u * u);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly (TV First, TV Second) Simd<TV>(int i)
            where TV : unmanaged, ISimdVector<TV, T>
        {
            TV vp = TV.Load(in _p[i]);
            TV vm = TV.Load(in _m[i]);
            TV vv = TV.Load(in _v[i]);
            kernel.Moments(TV.Load(in _g[i]), ref vm, ref vv);
            TV u = kernel.Direction(vp, vm, vv);
            TV.Store(vm, ref _m[i]);
            TV.Store(vv, ref _v[i]);
            return (vp * vp, u * u);
        }
    }
}
