using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="AdaGrad{T}"/>, with PyTorch's names and defaults.</summary>
public sealed record AdaGradOptions : OptimizerOptions, IWeightDecayOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new AdaGrad<T>(parameters, this);

    /// <summary>Creates the options with PyTorch's defaults (lr 1e-2, eps 1e-10).</summary>
    public AdaGradOptions() => LearningRate = 1e-2;

    /// <summary>Learning-rate decay d: step t uses η / (1 + (t − 1)d) (PyTorch <c>lr_decay</c>).</summary>
    public double LearningRateDecay { get; init; }

    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; init; }

    /// <inheritdoc/>
    public OptimizerOptions WithWeightDecay(double weightDecay) => this with { WeightDecay = weightDecay };

    /// <summary>Starting value of the sum of squares (PyTorch <c>initial_accumulator_value</c>).</summary>
    public double InitialAccumulatorValue { get; init; }

    /// <summary>ε added to the root of the sum of squares.</summary>
    public double Epsilon { get; init; } = 1e-10;

    /// <summary>Maximize the objective instead of minimizing.</summary>
    public bool Maximize { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.NonNegative(LearningRateDecay, nameof(LearningRateDecay));
        Guard.NonNegative(WeightDecay, nameof(WeightDecay));
        Guard.NonNegative(InitialAccumulatorValue, nameof(InitialAccumulatorValue));
        Guard.NonNegative(Epsilon, nameof(Epsilon));
    }
}

/// <summary>
/// AdaGrad (Duchi et al., 2011) exactly as PyTorch's <c>torch.optim.Adagrad</c>:
/// <code>
/// s ← s + g²,   θ ← θ − η/(1 + (t − 1)d) · g / (√s + ε)
/// </code>
/// The book's AdaGrad (<see cref="Book.BookAdaGrad{T}"/>) is the same rule with ε = 1e-7 and no decay.
/// State: <c>sum</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class AdaGrad<T> : Optimizer<T, AdaGradOptions>, IEffectiveStepSize<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates AdaGrad over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default PyTorch's.</param>
    public AdaGrad(IEnumerable<Parameter<T>> parameters, AdaGradOptions? options = null)
        : base(parameters, options ?? new AdaGradOptions())
    {
    }

    /// <summary>η / (1 + (t − 1)·decay) / (√s + ε), the factor the update multiplies g by.</summary>
    /// <inheritdoc/>
    public bool TryWriteEffectiveStep(string parameterName, Span<T> destination) =>
        TryWriteEffectiveStep(parameterName, destination, "sum", static group => (Rate(group), 1, group.Options.Epsilon));

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, AdaGradOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        var kernel = new AdaGradKernel<T>(
            new GradientTransform<T>(o.Maximize, o.WeightDecay), T.CreateTruncating(Rate(group)), T.CreateTruncating(o.Epsilon));
        T[] sum = State(group, "sum", T.CreateTruncating(o.InitialAccumulatorValue));
        RunKernel(group, kernel, sum);
    }

    /// <summary>η / (1 + (t − 1)·decay), the step's decayed learning rate.</summary>
    private static double Rate(ParameterGroup<T, AdaGradOptions> group) =>
        group.Options.LearningRate / (1 + ((group.StepCount - 1) * group.Options.LearningRateDecay));
}

/// <summary>s ← s + g²; θ ← θ − η g / (√s + ε).</summary>
internal readonly struct AdaGradKernel<T>(GradientTransform<T> grad, T lr, T eps) : IUpdate1<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T s)
    {
        g = grad.Apply(p, g);
        s += g * g;
        return p - (lr * g / (T.Sqrt(s) + eps));
    }

    public TV Simd<TV>(TV p, TV g, ref TV s)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        g = grad.Apply(p, g);
        s += g * g;
        return p - (TV.Create(lr) * g / (TV.Sqrt(s) + TV.Create(eps)));
    }
}
