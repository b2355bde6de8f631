using System.Numerics;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="Sgd{T}"/>, with PyTorch's names and defaults.</summary>
public sealed record SgdOptions : OptimizerOptions, IMomentumOptions
{
    /// <summary>Creates the options with PyTorch's defaults.</summary>
    public SgdOptions() => LearningRate = 1e-3;

    /// <summary>Momentum factor μ (PyTorch <c>momentum</c>); 0 disables the buffer.</summary>
    public double Momentum { get; init; }

    /// <summary>Dampening τ applied to the gradient added to the buffer.</summary>
    public double Dampening { get; init; }

    /// <summary>L2 penalty added to the gradient (coupled weight decay).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Use Nesterov momentum (requires Momentum &gt; 0 and Dampening = 0).</summary>
    public bool Nesterov { get; init; }

    /// <summary>Maximize the objective instead of minimizing.</summary>
    public bool Maximize { get; init; }

    /// <inheritdoc/>
    public double MomentumCoefficient => Momentum;

    /// <inheritdoc/>
    public OptimizerOptions WithMomentumCoefficient(double momentum) => this with { Momentum = momentum };

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.NonNegative(Momentum, nameof(Momentum));
        Guard.NonNegative(Dampening, nameof(Dampening));
        Guard.NonNegative(WeightDecay, nameof(WeightDecay));
        if (Nesterov && (Momentum <= 0 || Dampening != 0))
        {
            throw new ArgumentException(
                $"{nameof(Nesterov)} requires {nameof(Momentum)} > 0 and {nameof(Dampening)} = 0; got Momentum = {Guard.Format(Momentum)}, Dampening = {Guard.Format(Dampening)}.",
                nameof(Nesterov));
        }
    }
}

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov and coupled weight decay,
/// exactly as PyTorch's <c>torch.optim.SGD</c>:
/// <code>
/// g ← ±∇ + λθ
/// b ← g (first step), else μb + (1 − τ)g
/// g ← g + μb (Nesterov), else b
/// θ ← θ − η g
/// </code>
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Sgd<T> : Optimizer<T, SgdOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates SGD over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default PyTorch's.</param>
    public Sgd(IEnumerable<Parameter<T>> parameters, SgdOptions? options = null)
        : base(parameters, options ?? new SgdOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, SgdOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        T lr = T.CreateTruncating(o.LearningRate);
        T wd = T.CreateTruncating(o.WeightDecay);
        T mu = T.CreateTruncating(o.Momentum);
        T keep = T.CreateTruncating(1 - o.Dampening);
        T sign = o.Maximize ? -T.One : T.One;
        bool first = group.StepCount == 1;
        T[]? momentum = o.Momentum != 0 ? State(group, "momentum_buffer") : null;
        foreach (var run in group.Runs)
        {
            Span<T> p = run.Value.Span;
            ReadOnlySpan<T> grad = run.Gradient.Span;
            Span<T> b = momentum is null ? default : momentum.AsSpan(run.Offset, run.Length);
            for (int i = 0; i < p.Length; i++)
            {
                T g = sign * grad[i];
                if (o.WeightDecay != 0)
                {
                    g += wd * p[i];
                }

                if (momentum is not null)
                {
                    b[i] = first ? g : (mu * b[i]) + (keep * g);
                    g = o.Nesterov ? g + (mu * b[i]) : b[i];
                }

                p[i] -= lr * g;
            }
        }
    }
}
