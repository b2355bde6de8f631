using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="Sgd{T}"/>, with PyTorch's names and defaults.</summary>
public sealed record SgdOptions : MomentumOptions, IWeightDecayOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Sgd<T>(parameters, this);

    /// <summary>Creates the options with PyTorch's defaults.</summary>
    /// <remarks>Here: <see cref="MomentumOptions.Momentum"/> is the momentum factor μ (PyTorch <c>momentum</c>); 0 disables the buffer.</remarks>
    public SgdOptions() => LearningRate = 1e-3;

    /// <summary>Dampening τ applied to the gradient added to the buffer.</summary>
    public double Dampening { get; init; }

    /// <summary>L2 penalty added to the gradient (coupled weight decay).</summary>
    public double WeightDecay { get; init; }

    /// <inheritdoc/>
    public OptimizerOptions WithWeightDecay(double weightDecay) => this with { WeightDecay = weightDecay };

    /// <summary>Use Nesterov momentum (requires Momentum &gt; 0 and Dampening = 0).</summary>
    public bool Nesterov { get; init; }

    /// <summary>Maximize the objective instead of minimizing.</summary>
    public bool Maximize { get; init; }

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
/// Unlike the book's Momentum (<see cref="Book.BookMomentum{T}"/>) the learning rate multiplies the
/// buffer, not the gradient inside it; the two agree only for a constant learning rate.
/// State: <c>momentum_buffer</c>.
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
        var grad = new GradientTransform<T>(o.Maximize, o.WeightDecay);
        T lr = T.CreateTruncating(o.LearningRate);
        if (o.Momentum == 0)
        {
            RunKernel(group, new SgdKernel<T>(grad, lr));

            return;
        }

        // PyTorch starts the buffer as a copy of the gradient; μ = 0, 1 − τ = 1 on that step does exactly that.
        bool fresh = !HasState(group, "momentum_buffer");
        T[] buffer = State(group, "momentum_buffer");
        var kernel = new SgdMomentumKernel<T>(
            grad,
            lr,
            fresh ? T.Zero : T.CreateTruncating(o.Momentum),
            fresh ? T.One : T.CreateTruncating(1 - o.Dampening),
            T.CreateTruncating(o.Momentum),
            o.Nesterov);
        RunKernel(group, kernel, buffer);
    }
}

/// <summary>θ ← θ − η g.</summary>
internal readonly struct SgdKernel<T>(GradientTransform<T> grad, T lr) : IUpdate0<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g) => p - (lr * grad.Apply(p, g));

    public TV Simd<TV>(TV p, TV g)
        where TV : unmanaged, ISimdVector<TV, T> => p - (TV.Create(lr) * grad.Apply(p, g));
}

/// <summary>b ← μb + (1 − τ)g; θ ← θ − η(g + μb) with Nesterov, else θ − ηb.</summary>
internal readonly struct SgdMomentumKernel<T>(GradientTransform<T> grad, T lr, T decay, T keep, T momentum, bool nesterov) : IUpdate1<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T b)
    {
        g = grad.Apply(p, g);
        b = (decay * b) + (keep * g);
        g = nesterov ? g + (momentum * b) : b;
        return p - (lr * g);
    }

    public TV Simd<TV>(TV p, TV g, ref TV b)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        g = grad.Apply(p, g);
        b = (TV.Create(decay) * b) + (TV.Create(keep) * g);
        g = nesterov ? g + (TV.Create(momentum) * b) : b;
        return p - (TV.Create(lr) * g);
    }
}
