using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// PyTorch's Adam-family moment step (Adam, AdamW, NAdam, RAdam): decoupled decay θ ← θ(1 − ηλ), the gradient
/// transform (sign for maximize, the L2 term), then <c>m.lerp_(g, 1 − β₁)</c> and <c>v.mul_(β₂).addcmul_(g, g, 1 − β₂)</c>,
/// in PyTorch's operation order. Each method finishes the step its own way from the updated m and v.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal readonly struct AdamMoments<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly GradientTransform<T> _grad;
    private readonly T _shrink;
    private readonly T _oneMinusBeta1;
    private readonly T _beta2;
    private readonly T _oneMinusBeta2;

    /// <summary>The step's constants from the group's options.</summary>
    /// <param name="o">β₁, β₂, learning rate and weight decay.</param>
    /// <param name="maximize">Ascend instead of descend.</param>
    /// <param name="decoupled">Decay the weights directly (AdamW) instead of adding λθ to the gradient.</param>
    public AdamMoments(MomentEstimateOptions o, bool maximize, bool decoupled)
    {
        _grad = new GradientTransform<T>(maximize, decoupled ? 0 : o.WeightDecay);
        _shrink = T.CreateTruncating(decoupled ? 1 - (o.LearningRate * o.WeightDecay) : 1);
        _oneMinusBeta1 = T.CreateTruncating(1 - o.Beta1);
        _beta2 = T.CreateTruncating(o.Beta2);
        _oneMinusBeta2 = T.CreateTruncating(1 - o.Beta2);
    }

    /// <summary>Decoupled decay, gradient transform and both moments; returns the decayed θ, leaves the transformed g.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Update(T p, ref T g, ref T m, ref T v)
    {
        p *= _shrink;
        g = _grad.Apply(p, g);
        m += _oneMinusBeta1 * (g - m);
        v = (v * _beta2) + (_oneMinusBeta2 * g * g);
        return p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Update<TV>(TV p, ref TV g, ref TV m, ref TV v)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        p *= TV.Create(_shrink);
        g = _grad.Apply(p, g);
        m += TV.Create(_oneMinusBeta1) * (g - m);
        v = (v * TV.Create(_beta2)) + (TV.Create(_oneMinusBeta2) * g * g);
        return p;
    }
}

/// <summary>
/// Optax's moment constants and updates: <c>tree_update_moment</c> is (1 − β)x + βm, <c>tree_bias_correction</c>
/// divides by 1 − βᵗ (a division, not a multiplication by the reciprocal, to round as Optax does).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal readonly struct OptaxMoments<T>(double beta1, double beta2, double step)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public readonly T OneMinusBeta1 = T.CreateTruncating(1 - beta1);
    public readonly T Beta1 = T.CreateTruncating(beta1);
    public readonly T OneMinusBeta2 = T.CreateTruncating(1 - beta2);
    public readonly T Beta2 = T.CreateTruncating(beta2);
    public readonly T Correction1 = T.CreateTruncating(1 - Math.Pow(beta1, step));
    public readonly T Correction2 = T.CreateTruncating(1 - Math.Pow(beta2, step));

    /// <summary>The first moment's update, (1 − β₁)x + β₁m.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T First(T x, T m) => (OneMinusBeta1 * x) + (Beta1 * m);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV First<TV>(TV x, TV m)
        where TV : unmanaged, ISimdVector<TV, T> => (TV.Create(OneMinusBeta1) * x) + (TV.Create(Beta1) * m);

    /// <summary>The second moment's update, (1 − β₂)x + β₂v, for x the squared gradient (or squared error).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Second(T x, T v) => (OneMinusBeta2 * x) + (Beta2 * v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Second<TV>(TV x, TV v)
        where TV : unmanaged, ISimdVector<TV, T> => (TV.Create(OneMinusBeta2) * x) + (TV.Create(Beta2) * v);
}
