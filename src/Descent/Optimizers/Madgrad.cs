using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="Madgrad{T}"/>, with Optax's defaults (<c>optax.contrib.madgrad</c>) in .NET names.</summary>
public sealed record MadgradOptions : MomentumOptions, IWeightDecayOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Madgrad<T>(parameters, this);

    /// <summary>Creates the options with Optax's defaults (momentum 0.9, eps 1e-6, no weight decay) and lr 1e-2.</summary>
    /// <remarks>
    /// Optax requires a learning rate; 1e-2 (the reference PyTorch implementation's default) stands in for it. Here:
    /// <see cref="MomentumOptions.Momentum"/> is c in θ ← (1 − c)z + cθ (Optax <c>momentum</c>), in [0, 1).
    /// </remarks>
    public MadgradOptions()
    {
        LearningRate = 1e-2;
        Momentum = 0.9;
    }

    /// <summary>Coupled weight decay λ: g ← g + λθ before the update (Optax <c>weight_decay</c>). Must be ≥ 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>ε added to the cube root and to the learning rate (Optax <c>eps</c>). Must be ≥ 0.</summary>
    public double Epsilon { get; init; } = 1e-6;

    /// <inheritdoc/>
    public OptimizerOptions WithWeightDecay(double weightDecay) => this with { WeightDecay = weightDecay };

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.UnitInterval(Momentum, nameof(Momentum));
        Guard.NonNegative(WeightDecay, nameof(WeightDecay));
        Guard.NonNegative(Epsilon, nameof(Epsilon));
    }
}

/// <summary>
/// MADGRAD, momentumized dual-averaged AdaGrad (Defazio &amp; Jelassi, 2021, "Adaptivity without Compromise"), exactly as
/// Optax's <c>optax.contrib.madgrad</c> = <c>chain(add_decayed_weights(weight_decay), scale_by_madgrad(lr, momentum, eps))</c>.
/// At step k (from 0), with λₖ = (η + ε)√(k + 1):
/// <code>
/// g ← g + λθ;   G ← G + λₖg²;   s ← s + λₖg;   z = θ₀ − s / (∛G + ε);   θ ← θ + ((1 − c)z + cθ − θ)
/// </code>
/// θ₀ is the parameter at the first step. The weights grow with √k, so MADGRAD needs no schedule to keep steps
/// from shrinking. The cube root runs lane by lane (the BCL has no vector cube root). State: <c>grad_sum_sq</c>,
/// <c>s</c>, <c>x0</c> (Optax's names); three state tensors, 32 bytes moved per float parameter.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Madgrad<T> : Optimizer<T, MadgradOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates MADGRAD over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters; their values at the first step become θ₀.</param>
    /// <param name="options">Options; default Optax's.</param>
    public Madgrad(IEnumerable<Parameter<T>> parameters, MadgradOptions? options = null)
        : base(parameters, options ?? new MadgradOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, MadgradOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        T[] x0 = StateFromParameters(group, "x0");
        T[] sumOfSquares = State(group, "grad_sum_sq");
        T[] sum = State(group, "s");

        var kernel = new MadgradKernel<T>(
            T.CreateTruncating(o.WeightDecay),
            T.CreateTruncating(Lambda(o.LearningRate + o.Epsilon, group.StepCount)),
            T.CreateTruncating(o.Epsilon),
            T.CreateTruncating(1 - o.Momentum),
            T.CreateTruncating(o.Momentum));
        RunKernel(group, kernel, sumOfSquares, sum, x0);
    }

    /// <summary>
    /// λₖ = (η + ε)·√(k + 1) as Optax computes it: √ of the int32 count promotes to float32 in JAX, and the Python
    /// float (η + ε) times a float32 array stays float32, so λₖ is a float32 value even in a float64 run.
    /// </summary>
    private static double Lambda(double stableRate, long steps) => (float)stableRate * MathF.Sqrt(steps);
}

/// <summary>One MADGRAD step; x0 is read-only state, passed as the third tensor and stored back unchanged.</summary>
internal readonly struct MadgradKernel<T>(T weightDecay, T lambda, T eps, T oneMinusMomentum, T momentum) : IUpdate3<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T sumOfSquares, ref T sum, ref T x0)
    {
        g += weightDecay * p;
        sumOfSquares += lambda * (g * g);
        sum += lambda * g;
        T z = x0 - (sum / (T.Cbrt(sumOfSquares) + eps));
        return p + (((oneMinusMomentum * z) + (momentum * p)) - p);
    }

    public TV Simd<TV>(TV p, TV g, ref TV sumOfSquares, ref TV sum, ref TV x0)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        g += TV.Create(weightDecay) * p;
        sumOfSquares += TV.Create(lambda) * (g * g);
        sum += TV.Create(lambda) * g;
        TV z = x0 - (sum / (TV.Cbrt(sumOfSquares) + TV.Create(eps)));
        return p + (((TV.Create(oneMinusMomentum) * z) + (TV.Create(momentum) * p)) - p);
    }
}
