using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="Adamax{T}"/>, with PyTorch's names and defaults.</summary>
public sealed record AdamaxOptions : MomentEstimateOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Adamax<T>(parameters, this);

    /// <summary>Creates the options with PyTorch's defaults (lr 2e-3).</summary>
    public AdamaxOptions() => LearningRate = 2e-3;

    /// <summary>Maximize the objective instead of minimizing.</summary>
    public bool Maximize { get; init; }
}

/// <summary>
/// Adamax (Kingma and Ba, 2015, §7.1), exactly as PyTorch's <c>torch.optim.Adamax</c>:
/// <code>
/// m ← β₁m + (1 − β₁)g,   u ← max(β₂u, |g| + ε),   θ ← θ − η/(1 − β₁ᵗ) · m/u
/// </code>
/// State: <c>exp_avg</c>, <c>exp_inf</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Adamax<T> : Optimizer<T, AdamaxOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates Adamax over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default PyTorch's.</param>
    public Adamax(IEnumerable<Parameter<T>> parameters, AdamaxOptions? options = null)
        : base(parameters, options ?? new AdamaxOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, AdamaxOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        var kernel = new AdamaxKernel<T>(
            new GradientTransform<T>(o.Maximize, o.WeightDecay),
            T.CreateTruncating(1 - o.Beta1),
            T.CreateTruncating(o.Beta2),
            T.CreateTruncating(o.Epsilon),
            T.CreateTruncating(o.LearningRate / (1 - Math.Pow(o.Beta1, group.StepCount))));
        T[] m = State(group, "exp_avg");
        T[] u = State(group, "exp_inf");
        RunKernel(group, kernel, m, u);
    }
}

internal readonly struct AdamaxKernel<T>(GradientTransform<T> grad, T oneMinusBeta1, T beta2, T eps, T stepSize) : IUpdate2<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T m, ref T u)
    {
        g = grad.Apply(p, g);
        m += oneMinusBeta1 * (g - m);
        u = T.Max(u * beta2, T.Abs(g) + eps);
        return p - (stepSize * m / u);
    }

    public TV Simd<TV>(TV p, TV g, ref TV m, ref TV u)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        g = grad.Apply(p, g);
        m += TV.Create(oneMinusBeta1) * (g - m);
        u = TV.Max(u * TV.Create(beta2), TV.Abs(g) + TV.Create(eps));
        return p - (TV.Create(stepSize) * m / u);
    }
}
