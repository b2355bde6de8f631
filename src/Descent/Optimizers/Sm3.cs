using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="Sm3{T}"/>, with Optax's defaults (<c>optax.sm3</c>) in .NET names.</summary>
public sealed record Sm3Options : MomentumOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Sm3<T>(parameters, this);

    /// <summary>Creates the options with Optax's default (momentum 0.9) and lr 1e-2.</summary>
    /// <remarks>
    /// Optax requires a learning rate; 1e-2 stands in for it. Optax fixes <c>scale_by_sm3</c>'s b2 = 1 and eps = 1e-8.
    /// Here: <see cref="MomentumOptions.Momentum"/> is β₁ of the update's moving average (Optax <c>momentum</c>), in [0, 1).
    /// </remarks>
    public Sm3Options()
    {
        LearningRate = 1e-2;
        Momentum = 0.9;
    }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.UnitInterval(Momentum, nameof(Momentum));
    }
}

/// <summary>
/// SM3 (Anil et al., 2019, "Memory-Efficient Adaptive Optimization"), exactly as Optax's <c>optax.sm3</c> =
/// <c>chain(scale_by_sm3(momentum), scale(−lr))</c>. A tensor of rank r keeps one accumulator vector per axis
/// (rows and columns for a matrix) instead of a full second moment:
/// <code>
/// a = g² + minₖ μₖ[iₖ];   μₖ[j] ← max of a over the elements with iₖ = j
/// m ← (1 − β₁)·g/√(a + 1e-8) + β₁m  (0 where a = 0);   θ ← θ − η·m
/// </code>
/// For a vector the accumulator is full (a ← g² + a, element-wise, one fused pass); for higher ranks the per-axis
/// maxima are reduced on the way, in scalar loops. State: <c>mu</c> (the per-axis accumulators, concatenated) and
/// <c>nu</c> (the momentum, Optax's name).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Sm3<T> : Optimizer<T, Sm3Options>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _next = [];

    /// <summary>Creates SM3 over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters; their <see cref="Parameter{T}.Shape"/> sets the accumulators.</param>
    /// <param name="options">Options; default Optax's.</param>
    public Sm3(IEnumerable<Parameter<T>> parameters, Sm3Options? options = null)
        : base(parameters, options ?? new Sm3Options())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, Sm3Options> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        var kernel = new Sm3Kernel<T>(T.CreateTruncating(1 - o.Momentum), T.CreateTruncating(o.Momentum), T.CreateTruncating(-o.LearningRate));
        T[] nu = State(group, "nu");
        for (int i = 0; i < group.Parameters.Count; i++)
        {
            var parameter = group.Parameters[i];
            Span<T> mu = State(group, "mu", static p => p.Shape.Count < 2 ? p.Length : p.Shape.Sum(), i);
            Span<T> momentum = nu.AsSpan(group.Offsets[i], parameter.Length);
            if (parameter.Shape.Count < 2)
            {
                Elementwise.Run(kernel, parameter.Value.Span, parameter.Gradient.Span, mu, momentum, KernelPath);
            }
            else
            {
                Cover(kernel, parameter, mu, momentum);
            }
        }
    }

    /// <summary>A tensor of rank ≥ 2: each element reads the minimum of its axes' accumulators; the new ones are maxima.</summary>
    private void Cover(Sm3Kernel<T> kernel, Parameter<T> parameter, Span<T> mu, Span<T> momentum)
    {
        var shape = parameter.Shape;
        int rank = shape.Count;
        if (_next.Length < mu.Length)
        {
            _next = new T[mu.Length];
        }

        Span<T> next = _next.AsSpan(0, mu.Length);
        next.Fill(T.NegativeInfinity);
        Span<int> index = stackalloc int[rank];
        Span<int> start = stackalloc int[rank];
        index.Clear();
        for (int k = 1; k < rank; k++)
        {
            start[k] = start[k - 1] + shape[k - 1];
        }

        Span<T> p = parameter.Value.Span;
        ReadOnlySpan<T> g = parameter.Gradient.Span;
        for (int e = 0; e < p.Length; e++)
        {
            T smallest = mu[start[0] + index[0]];
            for (int k = 1; k < rank; k++)
            {
                smallest = T.Min(smallest, mu[start[k] + index[k]]);
            }

            T accumulated = Sm3Kernel<T>.Accumulate(g[e], smallest);
            p[e] = kernel.Step(p[e], g[e], accumulated, ref momentum[e]);
            for (int k = 0; k < rank; k++)
            {
                ref T slot = ref next[start[k] + index[k]];
                slot = T.Max(slot, accumulated);
            }

            for (int k = rank - 1; k >= 0 && ++index[k] == shape[k]; k--)
            {
                index[k] = 0;
            }
        }

        next.CopyTo(mu);
    }
}

/// <summary>SM3's element formulas; for a vector the accumulator is the element's own (μ ← g² + μ).</summary>
internal readonly struct Sm3Kernel<T>(T oneMinusMomentum, T momentum, T negativeRate) : IUpdate2<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Eps = T.CreateTruncating(1e-8);

    /// <summary>Optax's coefficients are (1, 1) for b2 = 1: 1·g² + 1·min μ.</summary>
    public static T Accumulate(T g, T smallest) => (T.One * (g * g)) + (T.One * smallest);

    public T Step(T p, T g, T accumulated, ref T m)
    {
        T inverse = accumulated > T.Zero ? T.One / T.Sqrt(accumulated + Eps) : T.Zero;
        m = (oneMinusMomentum * (g * inverse)) + (momentum * m);
        return p + (negativeRate * m);
    }

    public T Scalar(T p, T g, ref T mu, ref T m)
    {
        mu = Accumulate(g, mu);
        return Step(p, g, mu, ref m);
    }

    public TV Simd<TV>(TV p, TV g, ref TV mu, ref TV m)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        mu = (TV.Create(T.One) * (g * g)) + (TV.Create(T.One) * mu);
        TV inverse = TV.Select(TV.GreaterThan(mu, TV.Create(T.Zero)), TV.Create(T.One) / TV.Sqrt(mu + TV.Create(Eps)), TV.Create(T.Zero));
        m = (TV.Create(oneMinusMomentum) * (g * inverse)) + (TV.Create(momentum) * m);
        return p + (TV.Create(negativeRate) * m);
    }
}
