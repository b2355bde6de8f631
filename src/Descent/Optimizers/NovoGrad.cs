using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="NovoGrad{T}"/>, with Optax's defaults (<c>optax.novograd</c>) in .NET names.</summary>
public sealed record NovoGradOptions : MomentEstimateOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new NovoGrad<T>(parameters, this);

    /// <summary>Creates the options with Optax's defaults (b1 0.9, b2 0.25, eps 1e-6, eps_root 0, no decay) and lr 1e-2.</summary>
    /// <remarks>
    /// Optax requires a learning rate; 1e-2 stands in for it. Here: β₁, the momentum of m ← β₁m + u (Optax <c>b1</c>);
    /// β₂, decay of the per-tensor second moment of ‖g‖ (Optax <c>b2</c>); ε added to the root, outside it (Optax
    /// <c>eps</c>); weight decay λ, added to the normalised gradient (Optax <c>weight_decay</c>).
    /// </remarks>
    public NovoGradOptions()
    {
        LearningRate = 1e-2;
        Beta2 = 0.25;
        Epsilon = 1e-6;
    }

    /// <summary>ε added to v under the root (Optax <c>eps_root</c>). Must be ≥ 0.</summary>
    public double EpsilonRoot { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.NonNegative(EpsilonRoot, nameof(EpsilonRoot));
    }
}

/// <summary>
/// NovoGrad (Ginsburg et al., 2019, "Stochastic Gradient Methods with Layer-wise Adaptive Moments"), exactly as Optax's
/// <c>optax.novograd</c> = <c>chain(scale_by_novograd(b1, b2, eps, eps_root, weight_decay), scale_by_learning_rate(lr))</c>.
/// The second moment is one number per tensor:
/// <code>
/// v ← (1 − β₂)‖g‖² + β₂v  (v = ‖g‖² at the first step);   m ← β₁m + (g/(√(v + ε_root) + ε) + λθ);   θ ← θ − η·m
/// </code>
/// Two passes per tensor (‖g‖², then the update). State: <c>mu</c> and <c>nu</c> (one value per tensor).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class NovoGrad<T> : Optimizer<T, NovoGradOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates NovoGrad over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters; each tensor gets its own second moment.</param>
    /// <param name="options">Options; default Optax's.</param>
    public NovoGrad(IEnumerable<Parameter<T>> parameters, NovoGradOptions? options = null)
        : base(parameters, options ?? new NovoGradOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, NovoGradOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        bool first = group.StepCount == 1;
        T[] m = State(group, "mu");
        for (int i = 0; i < group.Parameters.Count; i++)
        {
            var parameter = group.Parameters[i];
            var (_, gradientNorm) = TensorNorms<T>.Of(parameter.Value.Span, parameter.Gradient.Span, T.Zero, KernelPath);
            T squared = gradientNorm * gradientNorm;
            Span<T> v = State(group, "nu", static _ => 1, i);
            v[0] = first ? squared : (T.CreateTruncating(1 - o.Beta2) * squared) + (T.CreateTruncating(o.Beta2) * v[0]);
            var kernel = new NovoGradKernel<T>(
                T.Sqrt(v[0] + T.CreateTruncating(o.EpsilonRoot)) + T.CreateTruncating(o.Epsilon),
                T.CreateTruncating(o.WeightDecay),
                T.CreateTruncating(o.Beta1),
                T.CreateTruncating(-o.LearningRate));
            Elementwise.Run(kernel, parameter.Value.Span, parameter.Gradient.Span, m.AsSpan(group.Offsets[i], parameter.Length), KernelPath);
        }
    }
}

/// <summary>One NovoGrad step for a tensor whose denominator √(v + ε_root) + ε is already known; m starts at 0, so β₁m + u is u at the first step.</summary>
internal readonly struct NovoGradKernel<T>(T denominator, T weightDecay, T beta1, T negativeRate) : IUpdate1<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T m)
    {
        m = (beta1 * m) + ((g / denominator) + (weightDecay * p));
        return p + (negativeRate * m);
    }

    public TV Simd<TV>(TV p, TV g, ref TV m)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        m = (TV.Create(beta1) * m) + ((g / TV.Create(denominator)) + (TV.Create(weightDecay) * p));
        return p + (TV.Create(negativeRate) * m);
    }
}
