using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="Rprop{T}"/>, with PyTorch's names and defaults.</summary>
public sealed record RpropOptions : OptimizerOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Rprop<T>(parameters, this);

    /// <summary>Creates the options with PyTorch's defaults (lr 1e-2, etas (0.5, 1.2), step sizes (1e-6, 50)).</summary>
    public RpropOptions() => LearningRate = 1e-2;

    /// <summary>
    /// The factors (η⁻, η⁺) a step size is multiplied by when the gradient's sign flips or stays
    /// (PyTorch <c>etas</c>); 0 &lt; η⁻ &lt; 1 &lt; η⁺. The learning rate is only each step size's initial value.
    /// </summary>
    public (double Decrease, double Increase) Etas { get; init; } = (0.5, 1.2);

    /// <summary>The smallest and largest step size (PyTorch <c>step_sizes</c>).</summary>
    public (double Min, double Max) StepSizes { get; init; } = (1e-6, 50);

    /// <summary>Maximize the objective instead of minimizing.</summary>
    public bool Maximize { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (!(Etas.Decrease > 0 && Etas.Decrease < 1 && Etas.Increase > 1) || double.IsInfinity(Etas.Increase))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Etas), Etas, $"{nameof(Etas)} must satisfy 0 < decrease < 1 < increase; got ({Guard.Format(Etas.Decrease)}, {Guard.Format(Etas.Increase)}).");
        }

        if (!(StepSizes.Min >= 0 && StepSizes.Min <= StepSizes.Max))
        {
            throw new ArgumentOutOfRangeException(
                nameof(StepSizes), StepSizes, $"{nameof(StepSizes)} must satisfy 0 ≤ min ≤ max; got ({Guard.Format(StepSizes.Min)}, {Guard.Format(StepSizes.Max)}).");
        }
    }
}

/// <summary>
/// Rprop (Riedmiller and Braun, 1993) as PyTorch's <c>torch.optim.Rprop</c> (the Rprop⁻ variant): each weight
/// keeps its own step size, grown by η⁺ while its gradient keeps its sign and shrunk by η⁻ when it flips
/// (and then that step is skipped); only the gradient's sign is used:
/// <code>
/// s ← clamp(s · (η⁺ if g·g₋ &gt; 0, η⁻ if &lt; 0, else 1), min, max);  g ← 0 where g·g₋ &lt; 0
/// θ ← θ − sign(g) s,   g₋ ← g
/// </code>
/// State: <c>prev</c>, <c>step_size</c> (starting at the learning rate).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Rprop<T> : Optimizer<T, RpropOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates Rprop over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default PyTorch's.</param>
    public Rprop(IEnumerable<Parameter<T>> parameters, RpropOptions? options = null)
        : base(parameters, options ?? new RpropOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, RpropOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        var kernel = new RpropKernel<T>(
            new GradientTransform<T>(o.Maximize, 0),
            T.CreateTruncating(o.Etas.Decrease),
            T.CreateTruncating(o.Etas.Increase),
            T.CreateTruncating(o.StepSizes.Min),
            T.CreateTruncating(o.StepSizes.Max));
        T[] previous = State(group, "prev");
        T[] stepSize = State(group, "step_size", T.CreateTruncating(o.LearningRate));
        RunKernel(group, kernel, previous, stepSize);
    }
}

internal readonly struct RpropKernel<T>(GradientTransform<T> grad, T decrease, T increase, T min, T max) : IUpdate2<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T previous, ref T step)
    {
        g = grad.Apply(p, g);
        T agreement = g * previous;
        // A NaN gradient stays NaN through the factor, the step size and the sign, as in PyTorch (sign(NaN) is NaN).
        T factor = agreement > T.Zero ? increase : agreement < T.Zero ? decrease : T.IsNaN(agreement) ? agreement : T.One;
        step = T.Min(T.Max(step * factor, min), max);
        if (agreement < T.Zero)
        {
            g = T.Zero;
        }

        T sign = T.IsNaN(g) ? g : (g > T.Zero ? T.One : T.Zero) - (g < T.Zero ? T.One : T.Zero);
        previous = g;
        return p - (sign * step);
    }

    public TV Simd<TV>(TV p, TV g, ref TV previous, ref TV step)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        TV zero = TV.Create(T.Zero);
        TV one = TV.Create(T.One);
        g = grad.Apply(p, g);
        TV agreement = g * previous;
        TV flipped = TV.LessThan(agreement, zero);
        TV factor = TV.Select(TV.GreaterThan(agreement, zero), TV.Create(increase), TV.Select(flipped, TV.Create(decrease), TV.Select(TV.IsNaN(agreement), agreement, one)));
        step = TV.Min(TV.Max(step * factor, TV.Create(min)), TV.Create(max));
        g = TV.Select(flipped, zero, g);
        TV sign = TV.Select(TV.IsNaN(g), g, TV.Select(TV.GreaterThan(g, zero), one, zero) - TV.Select(TV.LessThan(g, zero), one, zero));
        previous = g;
        return p - (sign * step);
    }
}
