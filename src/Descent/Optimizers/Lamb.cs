using System.Numerics;
using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="Lamb{T}"/>, with Optax's defaults (<c>optax.lamb</c>) in .NET names.</summary>
public sealed record LambOptions : MomentEstimateOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Lamb<T>(parameters, this);

    /// <summary>Creates the options with Optax's defaults (b1 0.9, b2 0.999, eps 1e-6, eps_root 0, no weight decay) and lr 1e-3.</summary>
    /// <remarks>
    /// Optax requires a learning rate; 1e-3 stands in for it. Optax's <c>eps</c> is added to the root of the
    /// corrected second moment, and its <c>weight_decay</c> λθ is added to Adam's direction before the trust ratio.
    /// </remarks>
    public LambOptions()
    {
        LearningRate = 1e-3;
        Epsilon = 1e-6;
    }

    /// <summary>ε added to the corrected second moment under the root (Optax <c>eps_root</c>). Must be ≥ 0.</summary>
    public double EpsilonRoot { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.NonNegative(EpsilonRoot, nameof(EpsilonRoot));
    }
}

/// <summary>
/// LAMB (You et al., 2020, "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes"), exactly as
/// Optax's <c>optax.lamb</c> = <c>chain(scale_by_adam(b1, b2, eps, eps_root), add_decayed_weights(weight_decay),
/// scale_by_trust_ratio(), scale_by_learning_rate(lr))</c>. Per parameter tensor:
/// <code>
/// m ← (1 − β₁)g + β₁m;   v ← (1 − β₂)g² + β₂v
/// u = (m/(1 − β₁ᵗ)) / (√(v/(1 − β₂ᵗ) + ε_root) + ε) + λθ
/// r = ‖θ‖ / ‖u‖  (1 when either norm is 0);   θ ← θ − η · r · u
/// </code>
/// The decay enters before the trust ratio, so it is rescaled with the rest of the update; Optax's default
/// <c>mask=None</c> decays every parameter (exclude biases with a group whose <see cref="MomentEstimateOptions.WeightDecay"/> is 0).
/// The ratio is per tensor, as Optax's tree map over leaves, never per group or per flat buffer.
/// </summary>
/// <remarks>
/// The norm of u must be known before any θ changes, so each tensor takes two passes. Pass one reads θ, g, m, v,
/// writes m, v and sums θ² and u² (sixteen partial sums in a fixed order, the same for every vector width);
/// pass two reads θ, m, v, recomputes u bit for bit and writes θ. That is 10 element reads and writes per parameter
/// (40 bytes in float, Adam's 28 plus 12) and no scratch buffer: storing u instead would move the same bytes and
/// cost a state-sized array.
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Lamb<T> : Optimizer<T, LambOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates LAMB over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters; each tensor gets its own trust ratio.</param>
    /// <param name="options">Options; default Optax's.</param>
    public Lamb(IEnumerable<Parameter<T>> parameters, LambOptions? options = null)
        : base(parameters, options ?? new LambOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, LambOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        var kernel = new LambKernel<T>(
            new OptaxMoments<T>(o.Beta1, o.Beta2, group.StepCount),
            T.CreateTruncating(o.EpsilonRoot),
            T.CreateTruncating(o.Epsilon),
            T.CreateTruncating(o.WeightDecay));
        T negativeRate = T.CreateTruncating(-o.LearningRate);
        T[] m = State(group, "mu");
        T[] v = State(group, "nu");
        for (int i = 0; i < group.Parameters.Count; i++)
        {
            var parameter = group.Parameters[i];
            int offset = group.Offsets[i];
            Span<T> p = parameter.Value.Span;
            Span<T> mi = m.AsSpan(offset, parameter.Length);
            Span<T> vi = v.AsSpan(offset, parameter.Length);
            var (parameterSquares, updateSquares) = LambKernels<T>.Moments(kernel, p, parameter.Gradient.Span, mi, vi, KernelPath);
            T parameterNorm = T.Sqrt(parameterSquares);
            T updateNorm = T.Sqrt(updateSquares);

            // Optax's scale_by_trust_ratio with min_norm 0, coefficient 1, eps 0: a zero norm (fresh zero weights,
            // or nothing to do) leaves the update as Adam's rather than zeroing it or dividing by zero.
            T ratio = parameterNorm == T.Zero || updateNorm == T.Zero ? T.One : parameterNorm / updateNorm;
            LambKernels<T>.Apply(kernel, ratio, negativeRate, p, mi, vi, KernelPath);
        }
    }
}

/// <summary>LAMB's element formulas: the moment update and the direction u, shared by both passes.</summary>
internal readonly struct LambKernel<T>(OptaxMoments<T> c, T epsRoot, T eps, T weightDecay)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Moments(T g, ref T m, ref T v)
    {
        m = c.First(g, m);
        v = c.Second(g * g, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Moments<TV>(TV g, ref TV m, ref TV v)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        m = c.First(g, m);
        v = c.Second(g * g, v);
    }

    /// <summary>u = Adam's direction + λθ, from the already updated moments.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Direction(T p, T m, T v) =>
        ((m / c.Correction1) / (T.Sqrt((v / c.Correction2) + epsRoot) + eps)) + (weightDecay * p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Direction<TV>(TV p, TV m, TV v)
        where TV : unmanaged, ISimdVector<TV, T> =>
        ((m / TV.Create(c.Correction1)) / (TV.Sqrt((v / TV.Create(c.Correction2)) + TV.Create(epsRoot)) + TV.Create(eps))) + (TV.Create(weightDecay) * p);
}
