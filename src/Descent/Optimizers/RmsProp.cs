using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="RmsProp{T}"/>, with PyTorch's names and defaults.</summary>
public sealed record RmsPropOptions : MomentumOptions, IWeightDecayOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new RmsProp<T>(parameters, this);

    /// <summary>Creates the options with PyTorch's defaults (lr 1e-2, alpha 0.99, eps 1e-8).</summary>
    /// <remarks>Here: <see cref="MomentumOptions.Momentum"/> is the momentum factor of the update buffer; 0 disables it.</remarks>
    public RmsPropOptions() => LearningRate = 1e-2;

    /// <summary>Smoothing constant α of the mean square (the book's <c>decay_rate</c>).</summary>
    public double Alpha { get; init; } = 0.99;

    /// <summary>ε added to the root of the mean square.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; init; }

    /// <inheritdoc/>
    public OptimizerOptions WithWeightDecay(double weightDecay) => this with { WeightDecay = weightDecay };

    /// <summary>Normalize by the estimated variance (mean square minus squared mean) instead of the mean square.</summary>
    public bool Centered { get; init; }

    /// <summary>Maximize the objective instead of minimizing.</summary>
    public bool Maximize { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.NonNegative(Epsilon, nameof(Epsilon));
        Guard.NonNegative(Momentum, nameof(Momentum));
        Guard.NonNegative(WeightDecay, nameof(WeightDecay));
        Guard.NonNegative(Alpha, nameof(Alpha));
    }
}

/// <summary>
/// RMSprop (Hinton, 2012) exactly as PyTorch's <c>torch.optim.RMSprop</c>:
/// <code>
/// s ← αs + (1 − α)g²,   ḡ ← ḡ + (1 − α)(g − ḡ) and s̃ = s − ḡ² (centered), else s̃ = s
/// b ← μb + g / (√s̃ + ε),  θ ← θ − ηb      (momentum), else θ ← θ − η g / (√s̃ + ε)
/// </code>
/// The book's RMSprop (<see cref="Book.BookRmsProp{T}"/>) is the plain form with ε = 1e-7.
/// State: <c>square_avg</c>, <c>grad_avg</c> (centered), <c>momentum_buffer</c> (momentum).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class RmsProp<T> : Optimizer<T, RmsPropOptions>, IEffectiveStepSize<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates RMSprop over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default PyTorch's.</param>
    public RmsProp(IEnumerable<Parameter<T>> parameters, RmsPropOptions? options = null)
        : base(parameters, options ?? new RmsPropOptions())
    {
    }

    /// <summary>η / (√s + ε), or η / (√(s − ḡ²) + ε) centered: the factor the update multiplies g by (with momentum, before the buffer).</summary>
    /// <inheritdoc/>
    public bool TryWriteEffectiveStep(string parameterName, Span<T> destination)
    {
        if (!TryGetParameterState(parameterName, "square_avg", out var group, out var square))
        {
            return false;
        }

        var o = group.Options;
        if (o.Centered && TryGetParameterState(parameterName, "grad_avg", out _, out var mean))
        {
            EffectiveSteps.WriteCentered<T>(square, mean, destination, o.LearningRate, o.Epsilon);
        }
        else
        {
            EffectiveSteps.Write<T>(square, destination, o.LearningRate, 1, o.Epsilon);
        }

        return true;
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, RmsPropOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        var k = new RmsPropKernel<T>(
            new GradientTransform<T>(o.Maximize, o.WeightDecay),
            T.CreateTruncating(o.LearningRate),
            T.CreateTruncating(o.Alpha),
            T.CreateTruncating(1 - o.Alpha),
            T.CreateTruncating(o.Epsilon),
            T.CreateTruncating(o.Momentum));
        T[] square = State(group, "square_avg");
        T[]? mean = o.Centered ? State(group, "grad_avg") : null;
        T[]? buffer = o.Momentum > 0 ? State(group, "momentum_buffer") : null;
        switch (mean, buffer)
        {
            case (null, null):
                RunKernel(group, k, square);
                break;
            case (not null, null):
                RunKernel(group, new RmsPropCenteredKernel<T>(k), square, mean);
                break;
            case (null, not null):
                RunKernel(group, new RmsPropMomentumKernel<T>(k), square, buffer);
                break;
            default:
                RunKernel(group, new RmsPropCenteredMomentumKernel<T>(k), square, mean!, buffer!);
                break;
        }
    }
}

/// <summary>Plain RMSprop, and the pieces its three variants share.</summary>
internal readonly struct RmsPropKernel<T>(GradientTransform<T> grad, T lr, T alpha, T oneMinusAlpha, T eps, T momentum) : IUpdate1<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Epsilon => eps;

    public T Scalar(T p, T g, ref T s)
    {
        g = Square(p, g, ref s);
        return p - (lr * g / (T.Sqrt(s) + eps));
    }

    public TV Simd<TV>(TV p, TV g, ref TV s)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        g = Square(p, g, ref s);
        return p - (TV.Create(lr) * g / (TV.Sqrt(s) + TV.Create(eps)));
    }

    /// <summary>Transforms the gradient and updates the mean square; returns the transformed gradient.</summary>
    public T Square(T p, T g, ref T s)
    {
        g = grad.Apply(p, g);
        s = (s * alpha) + (oneMinusAlpha * g * g);
        return g;
    }

    public TV Square<TV>(TV p, TV g, ref TV s)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        g = grad.Apply(p, g);
        s = (s * TV.Create(alpha)) + (TV.Create(oneMinusAlpha) * g * g);
        return g;
    }

    /// <summary>√(s − ḡ²) + ε after moving the mean ḡ towards g.</summary>
    public T Centered(T g, T s, ref T mean)
    {
        mean += oneMinusAlpha * (g - mean);
        return T.Sqrt(s - (mean * mean)) + eps;
    }

    public TV Centered<TV>(TV g, TV s, ref TV mean)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        mean += TV.Create(oneMinusAlpha) * (g - mean);
        return TV.Sqrt(s - (mean * mean)) + TV.Create(eps);
    }

    /// <summary>b ← μb + g/denominator; θ − ηb.</summary>
    public T Momentum(T p, T g, T denominator, ref T b)
    {
        b = (b * momentum) + (g / denominator);
        return p - (lr * b);
    }

    public TV Momentum<TV>(TV p, TV g, TV denominator, ref TV b)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        b = (b * TV.Create(momentum)) + (g / denominator);
        return p - (TV.Create(lr) * b);
    }

    public T Plain(T p, T g, T denominator) => p - (lr * g / denominator);

    public TV Plain<TV>(TV p, TV g, TV denominator)
        where TV : unmanaged, ISimdVector<TV, T> => p - (TV.Create(lr) * g / denominator);
}

internal readonly struct RmsPropCenteredKernel<T>(RmsPropKernel<T> k) : IUpdate2<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T s, ref T mean)
    {
        g = k.Square(p, g, ref s);
        return k.Plain(p, g, k.Centered(g, s, ref mean));
    }

    public TV Simd<TV>(TV p, TV g, ref TV s, ref TV mean)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        g = k.Square(p, g, ref s);
        return k.Plain(p, g, k.Centered(g, s, ref mean));
    }
}

internal readonly struct RmsPropMomentumKernel<T>(RmsPropKernel<T> k) : IUpdate2<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T s, ref T b)
    {
        g = k.Square(p, g, ref s);
        return k.Momentum(p, g, T.Sqrt(s) + k.Epsilon, ref b);
    }

    public TV Simd<TV>(TV p, TV g, ref TV s, ref TV b)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        g = k.Square(p, g, ref s);
        return k.Momentum(p, g, TV.Sqrt(s) + TV.Create(k.Epsilon), ref b);
    }
}

internal readonly struct RmsPropCenteredMomentumKernel<T>(RmsPropKernel<T> k) : IUpdate3<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T s, ref T mean, ref T b)
    {
        g = k.Square(p, g, ref s);
        return k.Momentum(p, g, k.Centered(g, s, ref mean), ref b);
    }

    public TV Simd<TV>(TV p, TV g, ref TV s, ref TV mean, ref TV b)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        g = k.Square(p, g, ref s);
        return k.Momentum(p, g, k.Centered(g, s, ref mean), ref b);
    }
}
