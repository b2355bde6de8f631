using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="AdaBelief{T}"/>, with Optax's defaults (<c>optax.adabelief</c>) in .NET names.</summary>
public sealed record AdaBeliefOptions : MomentOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new AdaBelief<T>(parameters, this);

    /// <summary>Creates the options with Optax's defaults (b1 0.9, b2 0.999, eps 1e-16, eps_root 1e-16) and lr 1e-3.</summary>
    /// <remarks>
    /// Optax requires a learning rate; 1e-3 (the paper's) stands in for it. β₂ decays the moving average of the
    /// squared prediction error (g − m)²; ε is added to its corrected root.
    /// </remarks>
    public AdaBeliefOptions()
    {
        LearningRate = 1e-3;
        Epsilon = 1e-16;
    }

    /// <summary>ε added to the second moment itself at every step, so it accumulates in the state (Optax <c>eps_root</c>). Must be ≥ 0.</summary>
    public double EpsilonRoot { get; init; } = 1e-16;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.NonNegative(EpsilonRoot, nameof(EpsilonRoot));
    }
}

/// <summary>
/// AdaBelief (Zhuang et al., 2020, "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed Gradients"),
/// exactly as Optax's <c>optax.adabelief</c> = <c>chain(scale_by_belief(b1, b2, eps, eps_root), scale_by_learning_rate(lr))</c>:
/// <code>
/// m ← (1 − β₁)g + β₁m;   s ← (1 − β₂)(g − m)² + β₂s + ε_root
/// θ ← θ − η · (m/(1 − β₁ᵗ)) / (√(s/(1 − β₂ᵗ)) + ε)
/// </code>
/// Adam with the variance of the gradient around its prediction m in place of its raw second moment: where
/// gradients agree with the trend, steps grow. ε_root is added to the stored s (as Optax does, so it accumulates),
/// not only in the denominator. State: <c>mu</c>, <c>nu</c> (Optax's names); 24 bytes moved per float parameter.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class AdaBelief<T> : Optimizer<T, AdaBeliefOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates AdaBelief over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default Optax's.</param>
    public AdaBelief(IEnumerable<Parameter<T>> parameters, AdaBeliefOptions? options = null)
        : base(parameters, options ?? new AdaBeliefOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, AdaBeliefOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        double t = group.StepCount;
        var kernel = new AdaBeliefKernel<T>(
            new OptaxMoments<T>(o.Beta1, o.Beta2, t),
            T.CreateTruncating(o.EpsilonRoot),
            T.CreateTruncating(o.Epsilon),
            T.CreateTruncating(-o.LearningRate));
        T[] m = State(group, "mu");
        T[] s = State(group, "nu");
        RunKernel(group, kernel, m, s);
    }
}

internal readonly struct AdaBeliefKernel<T>(OptaxMoments<T> c, T epsRoot, T eps, T negativeRate) : IUpdate2<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T m, ref T s)
    {
        m = c.First(g, m);
        T error = g - m;
        s = c.Second(error * error, s) + epsRoot;
        T update = (m / c.Correction1) / (T.Sqrt(s / c.Correction2) + eps);
        return p + (negativeRate * update);
    }

    public TV Simd<TV>(TV p, TV g, ref TV m, ref TV s)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        m = c.First(g, m);
        TV error = g - m;
        s = c.Second(error * error, s) + TV.Create(epsRoot);
        TV update = (m / TV.Create(c.Correction1)) / (TV.Sqrt(s / TV.Create(c.Correction2)) + TV.Create(eps));
        return p + (TV.Create(negativeRate) * update);
    }
}
