using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// The first pass of the per-tensor methods (LARS, Fromage, NovoGrad): Σθ² and Σu² with u = g + λθ, read-only, in
/// <see cref="Reduction"/>'s fixed order. The update pass that follows is an ordinary element-wise kernel.
/// </summary>
internal ref struct TensorNorms<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> g, T weightDecay) : IReduction<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> _p = p;
    private readonly ReadOnlySpan<T> _g = g;

    public readonly int Length => _p.Length;

    /// <summary>‖θ‖ and ‖g + λθ‖ of one tensor.</summary>
    public static (T Parameter, T Update) Of(ReadOnlySpan<T> p, ReadOnlySpan<T> g, T weightDecay, KernelPath path)
    {
        var pass = new TensorNorms<T>(p, g, weightDecay);
        var (parameter, update) = Reduction.Run<T, TensorNorms<T>>(ref pass, path);
        return (T.Sqrt(parameter), T.Sqrt(update));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly (T First, T Second) Scalar(int i)
    {
        T p = _p[i];
        T u = _g[i] + (weightDecay * p);
        return (p * p, u * u);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly (TV First, TV Second) Simd<TV>(int i)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        TV p = TV.Load(in _p[i]);
        TV u = TV.Load(in _g[i]) + (TV.Create(weightDecay) * p);
        return (p * p, u * u);
    }
}
