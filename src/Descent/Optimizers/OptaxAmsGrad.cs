using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="OptaxAmsGrad{T}"/>, with Optax's defaults (<c>optax.amsgrad</c>) in .NET names.</summary>
public sealed record OptaxAmsGradOptions : MomentOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new OptaxAmsGrad<T>(parameters, this);

    /// <summary>Creates the options with Optax's defaults (b1 0.9, b2 0.999, eps 1e-8, eps_root 0) and lr 1e-3.</summary>
    /// <remarks>
    /// Optax requires a learning rate; 1e-3 stands in for it. Here: β₁ (Optax <c>b1</c>); β₂ (Optax <c>b2</c>); ε added
    /// to the root, outside it (Optax <c>eps</c>).
    /// </remarks>
    public OptaxAmsGradOptions() => LearningRate = 1e-3;

    /// <summary>ε added to the running maximum under the root (Optax <c>eps_root</c>). Must be ≥ 0.</summary>
    public double EpsilonRoot { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.NonNegative(EpsilonRoot, nameof(EpsilonRoot));
    }
}

/// <summary>
/// AMSGrad as Optax writes it (<c>optax.amsgrad</c> = <c>chain(scale_by_amsgrad(b1, b2, eps, eps_root), scale_by_learning_rate(lr))</c>):
/// <code>
/// m ← (1 − β₁)g + β₁m;   v ← (1 − β₂)g² + β₂v;   v̂ ← max(v̂, v/(1 − β₂ᵗ))
/// θ ← θ − η·(m/(1 − β₁ᵗ)) / (√(v̂ + ε_root) + ε)
/// </code>
/// Optax keeps the maximum of the <em>bias-corrected</em> second moment; PyTorch's <c>Adam(amsgrad=True)</c>
/// (<see cref="Adam{T}"/>) keeps the maximum of the raw v and divides √v̂ by √(1 − β₂ᵗ), so the two differ in the
/// first steps. Both are kept, named. State: <c>mu</c>, <c>nu</c>, <c>nu_max</c>; 32 bytes moved per float parameter.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class OptaxAmsGrad<T> : Optimizer<T, OptaxAmsGradOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates Optax's AMSGrad over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default Optax's.</param>
    public OptaxAmsGrad(IEnumerable<Parameter<T>> parameters, OptaxAmsGradOptions? options = null)
        : base(parameters, options ?? new OptaxAmsGradOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, OptaxAmsGradOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        var kernel = new OptaxAmsGradKernel<T>(
            new OptaxMoments<T>(o.Beta1, o.Beta2, group.StepCount),
            T.CreateTruncating(o.EpsilonRoot),
            T.CreateTruncating(o.Epsilon),
            T.CreateTruncating(-o.LearningRate));
        T[] m = State(group, "mu");
        T[] v = State(group, "nu");
        T[] vMax = State(group, "nu_max");
        RunKernel(group, kernel, m, v, vMax);
    }
}

internal readonly struct OptaxAmsGradKernel<T>(OptaxMoments<T> c, T epsRoot, T eps, T negativeRate) : IUpdate3<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T m, ref T v, ref T vMax)
    {
        m = c.First(g, m);
        v = c.Second(g * g, v);
        vMax = T.Max(vMax, v / c.Correction2);
        return p + (negativeRate * ((m / c.Correction1) / (T.Sqrt(vMax + epsRoot) + eps)));
    }

    public TV Simd<TV>(TV p, TV g, ref TV m, ref TV v, ref TV vMax)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        m = c.First(g, m);
        v = c.Second(g * g, v);
        vMax = TV.Max(vMax, v / TV.Create(c.Correction2));
        return p + (TV.Create(negativeRate) * ((m / TV.Create(c.Correction1)) / (TV.Sqrt(vMax + TV.Create(epsRoot)) + TV.Create(eps))));
    }
}
