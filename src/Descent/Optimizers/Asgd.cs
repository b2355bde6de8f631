using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="Asgd{T}"/>, with PyTorch's names and defaults.</summary>
public sealed record AsgdOptions : OptimizerOptions, IWeightDecayOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Asgd<T>(parameters, this);

    /// <summary>Creates the options with PyTorch's defaults (lr 1e-2, lambd 1e-4, alpha 0.75, t0 1e6).</summary>
    public AsgdOptions() => LearningRate = 1e-2;

    /// <summary>Decay term λ of the step size ηₜ = η/(1 + ληt)^α (PyTorch <c>lambd</c>).</summary>
    public double Lambda { get; init; } = 1e-4;

    /// <summary>Power α of the step-size decay.</summary>
    public double Alpha { get; init; } = 0.75;

    /// <summary>The step after which averaging starts (PyTorch <c>t0</c>).</summary>
    public double T0 { get; init; } = 1e6;

    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; init; }

    /// <inheritdoc/>
    public OptimizerOptions WithWeightDecay(double weightDecay) => this with { WeightDecay = weightDecay };

    /// <summary>Maximize the objective instead of minimizing.</summary>
    public bool Maximize { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.NonNegative(WeightDecay, nameof(WeightDecay));
        Guard.NonNegative(Lambda, nameof(Lambda));
        Guard.NonNegative(Alpha, nameof(Alpha));
        Guard.NonNegative(T0, nameof(T0));
    }
}

/// <summary>
/// Averaged SGD (Polyak and Juditsky, 1992), exactly as PyTorch's <c>torch.optim.ASGD</c>:
/// <code>
/// θ ← θ(1 − λη) − η g,   ā ← ā + μ(θ − ā)  (ā ← θ while μ = 1)
/// then η ← η₀/(1 + λη₀t)^α,  μ ← 1/max(1, t − t₀)
/// </code>
/// The parameters follow SGD; <c>ax</c> holds their running average, the estimate ASGD is named for.
/// State: <c>ax</c>, and the scalars <c>eta</c> and <c>mu</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Asgd<T> : Optimizer<T, AsgdOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates ASGD over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default PyTorch's.</param>
    public Asgd(IEnumerable<Parameter<T>> parameters, AsgdOptions? options = null)
        : base(parameters, options ?? new AsgdOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, AsgdOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        double eta = Scalar(group, "eta", o.LearningRate);
        double mu = Scalar(group, "mu", 1.0);
        var kernel = new AsgdKernel<T>(
            new GradientTransform<T>(o.Maximize, o.WeightDecay),
            T.CreateTruncating(1 - (o.Lambda * eta)),
            T.CreateTruncating(eta),
            T.CreateTruncating(mu),
            mu == 1);
        T[] average = State(group, "ax");
        RunKernel(group, kernel, average);

        double t = group.StepCount;
        SetScalar(group, "eta", o.LearningRate / Math.Pow(1 + (o.Lambda * o.LearningRate * t), o.Alpha));
        SetScalar(group, "mu", 1 / Math.Max(1, t - o.T0));
    }
}

internal readonly struct AsgdKernel<T>(GradientTransform<T> grad, T shrink, T eta, T mu, bool copy) : IUpdate1<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T average)
    {
        g = grad.Apply(p, g);
        p = (p * shrink) - (eta * g);
        average = copy ? p : average + ((p - average) * mu);
        return p;
    }

    public TV Simd<TV>(TV p, TV g, ref TV average)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        g = grad.Apply(p, g);
        p = (p * TV.Create(shrink)) - (TV.Create(eta) * g);
        average = copy ? p : average + ((p - average) * TV.Create(mu));
        return p;
    }
}
