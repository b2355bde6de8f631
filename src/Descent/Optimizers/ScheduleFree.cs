using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// An optimizer whose gradients are taken at one point and whose model should be evaluated at another, as
/// Schedule-Free's y (where gradients are taken) and x (the average, Optax's <c>schedule_free_eval_params</c>).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IEvaluationPoint<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Writes the evaluation point into the parameters' values until the returned scope is disposed, which puts the
    /// training point back bit for bit. Evaluate (test loss, accuracy, export) inside the scope; never step in it.
    /// </summary>
    /// <returns>The scope.</returns>
    IDisposable UseEvaluationPoint();
}

/// <summary>Options shared by Optax's Schedule-Free wrappers (<c>optax.contrib.schedule_free_*</c>).</summary>
public abstract record ScheduleFreeOptions : OptimizerOptions, IWeightDecayOptions
{
    /// <summary>
    /// Length of the linear warm-up from 0 to the learning rate (Optax <c>warmup_steps</c>, its
    /// <c>warmup_constant_schedule</c>); <see langword="null"/> for none. Must be ≥ 1 when set.
    /// </summary>
    public int? WarmupSteps { get; init; }

    /// <summary>β₁, the interpolation y = (1 − β₁)z + β₁x (Optax <c>b1</c>), in (0, 1].</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Weight decay λ on y, added to the base direction before the learning rate (Optax <c>weight_decay</c>). Must be ≥ 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>The averaging weight of a step is (max rate so far)^power (Optax <c>weight_lr_power</c>). Must be ≥ 0.</summary>
    public double WeightLrPower { get; init; } = 2.0;

    /// <inheritdoc/>
    public OptimizerOptions WithWeightDecay(double weightDecay) => this with { WeightDecay = weightDecay };

    /// <summary>The warm-up schedule at <paramref name="count"/>, as Optax's <c>warmup_constant_schedule(0, lr, warmup_steps)</c> computes it.</summary>
    /// <param name="count">The schedule's step count.</param>
    /// <returns>The learning rate.</returns>
    internal double RateAt(long count)
    {
        if (WarmupSteps is not int warmup)
        {
            return LearningRate;
        }

        // Optax's schedule divides the int32 count by an int, which JAX promotes to float32, so the warm-up rate
        // (the peak included, once reached) is a float32 value even in a float64 run: reproduce that rounding.
        float fraction = 1f - (Math.Min(count, warmup) / (float)warmup);
        return ((float)-LearningRate * fraction) + (float)LearningRate;
    }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (WarmupSteps is int warmup)
        {
            Guard.PositiveInt(warmup, nameof(WarmupSteps));
        }

        if (!(Beta1 > 0 && Beta1 <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, $"{nameof(Beta1)} must be in (0, 1] (Schedule-Free divides by it); got {Guard.Format(Beta1)}.");
        }

        Guard.NonNegative(WeightDecay, nameof(WeightDecay));
        Guard.NonNegative(WeightLrPower, nameof(WeightLrPower));
    }
}

/// <summary>Options of <see cref="ScheduleFreeAdamW{T}"/>, with Optax's defaults (<c>optax.contrib.schedule_free_adamw</c>).</summary>
public sealed record ScheduleFreeAdamWOptions : ScheduleFreeOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new ScheduleFreeAdamW<T>(parameters, this);

    /// <summary>Creates the options with Optax's defaults (lr 0.0025, b1 0.9, b2 0.999, eps 1e-8, no decay, no warm-up).</summary>
    public ScheduleFreeAdamWOptions() => LearningRate = 0.0025;

    /// <summary>β₂, decay of the second moment (Optax <c>b2</c>), in [0, 1).</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>ε added to the corrected root, outside it (Optax <c>eps</c>). Must be ≥ 0.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.UnitInterval(Beta2, nameof(Beta2));
        Guard.NonNegative(Epsilon, nameof(Epsilon));
    }
}

/// <summary>Options of <see cref="ScheduleFreeSgd{T}"/>, with Optax's defaults (<c>optax.contrib.schedule_free_sgd</c>).</summary>
public sealed record ScheduleFreeSgdOptions : ScheduleFreeOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new ScheduleFreeSgd<T>(parameters, this);

    /// <summary>Creates the options with Optax's defaults (lr 1, b1 0.9, no decay, no warm-up).</summary>
    public ScheduleFreeSgdOptions() => LearningRate = 1.0;
}

/// <summary>
/// The Schedule-Free wrapper (Defazio et al., 2024, "The Road Less Scheduled") in Optax's operation order
/// (<c>optax.contrib.schedule_free</c>): the parameters hold y, the state z; with the base direction u (scaled by −η):
/// <code>
/// z' = z + u;   x = (y − (1 − β₁)z)/β₁;   x' = (1 − c)x + c·z';   y ← y + ((β₁x' + (1 − β₁)z') − y)
/// c = w/Σw,  w = (max η so far)^power
/// </code>
/// Gradients are taken at y; the model is evaluated at x (<see cref="IEvaluationPoint{T}.UseEvaluationPoint"/>,
/// Optax's <c>schedule_free_eval_params</c>). No schedule: the average replaces the decay. As in Optax, the base
/// direction's rate follows the warm-up at count t − 1 while the averaging weight uses count t.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TOptions">The variant's options.</typeparam>
public abstract class ScheduleFree<T, TOptions> : Optimizer<T, TOptions>, IEvaluationPoint<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TOptions : ScheduleFreeOptions
{
    private T[]? _training;

    /// <summary>Creates the wrapper over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters (y); their values at the first step become z.</param>
    /// <param name="options">Options.</param>
    protected ScheduleFree(IEnumerable<Parameter<T>> parameters, TOptions options)
        : base(parameters, options)
    {
    }

    /// <summary>The step's averaging constants (Optax's <c>ck</c> and the base rate), updating the running maximum and weight sum.</summary>
    /// <param name="group">The group, whose step count already counts this step.</param>
    /// <returns>The interpolation constants and −η of the base direction.</returns>
    private protected static (ScheduleFreeAverage<T> Average, T NegativeRate) Constants(ParameterGroup<T, TOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        double maxRate = Math.Max(Scalar(group, "max_lr", 0), o.RateAt(group.StepCount));
        double weight = Math.Pow(maxRate, o.WeightLrPower);
        double total = Scalar(group, "weight_sum", 0) + weight;
        double ratio = weight / total;
        double c = double.IsNaN(weight) || double.IsNaN(total) ? double.NaN : double.IsNaN(ratio) ? 0 : ratio;
        SetScalar(group, "max_lr", maxRate);
        SetScalar(group, "weight_sum", total);
        return (new ScheduleFreeAverage<T>(o.Beta1, c), T.CreateTruncating(-o.RateAt(group.StepCount - 1)));
    }

    /// <summary>The z buffer, a copy of the parameters when first asked for.</summary>
    /// <param name="group">The group.</param>
    /// <returns>The flat z buffer.</returns>
    private protected static T[] Z(ParameterGroup<T, TOptions> group) => StateFromParameters(group, "z");

    /// <inheritdoc/>
    public IDisposable UseEvaluationPoint()
    {
        int total = Groups.Sum(g => g.TotalLength);
        _training ??= new T[total];
        int at = 0;
        foreach (var group in Groups)
        {
            T[]? z = HasState(group, "z") ? State(group, "z") : null;
            T beta1 = T.CreateTruncating(group.Options.Beta1);
            T oneMinusBeta1 = T.CreateTruncating(1.0 - group.Options.Beta1);
            foreach (var run in group.Runs)
            {
                Span<T> y = run.Value.Span;
                y.CopyTo(_training.AsSpan(at + run.Offset, run.Length));
                if (z is not null)
                {
                    ReadOnlySpan<T> zs = run.Of(z);
                    for (int i = 0; i < y.Length; i++)
                    {
                        y[i] = (y[i] - (oneMinusBeta1 * zs[i])) / beta1;
                    }
                }
            }

            at += group.TotalLength;
        }

        return new Restore(this);
    }

    private sealed class Restore(ScheduleFree<T, TOptions> owner) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done)
            {
                return;
            }

            _done = true;
            int at = 0;
            foreach (var group in owner.Groups)
            {
                foreach (var run in group.Runs)
                {
                    owner._training.AsSpan(at + run.Offset, run.Length).CopyTo(run.Value.Span);
                }

                at += group.TotalLength;
            }
        }
    }
}

/// <summary>
/// Schedule-Free AdamW, exactly as Optax's <c>optax.contrib.schedule_free_adamw</c>: the base direction is
/// <c>chain(scale_by_rms(b2, eps, eps_in_sqrt=False, bias_correction=True), add_decayed_weights(λ), scale_by_learning_rate(η))</c>,
/// <code>
/// v ← (1 − β₂)g² + β₂v;   u = −η·(g/(√(v/(1 − β₂ᵗ)) + ε) + λy)
/// </code>
/// then the Schedule-Free averaging of <see cref="ScheduleFree{T, TOptions}"/>. Adam's momentum is replaced by the
/// averaging (β₁ is the interpolation). State: <c>z</c>, <c>nu</c>; one pass, 24 bytes moved per float parameter.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class ScheduleFreeAdamW<T> : ScheduleFree<T, ScheduleFreeAdamWOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates Schedule-Free AdamW over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default Optax's.</param>
    public ScheduleFreeAdamW(IEnumerable<Parameter<T>> parameters, ScheduleFreeAdamWOptions? options = null)
        : base(parameters, options ?? new ScheduleFreeAdamWOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, ScheduleFreeAdamWOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        var (average, negativeRate) = Constants(group);
        var kernel = new ScheduleFreeAdamWKernel<T>(
            average,
            T.CreateTruncating(1 - o.Beta2),
            T.CreateTruncating(o.Beta2),
            T.CreateTruncating(1 - Math.Pow(o.Beta2, group.StepCount)),
            T.CreateTruncating(o.Epsilon),
            T.CreateTruncating(o.WeightDecay),
            negativeRate);
        T[] z = Z(group);
        T[] v = State(group, "nu");
        RunKernel(group, kernel, z, v);
    }
}

/// <summary>
/// Schedule-Free SGD, exactly as Optax's <c>optax.contrib.schedule_free_sgd</c>: the base direction is
/// u = −η·(g + λy) (<c>chain(add_decayed_weights(λ), sgd(η))</c>), then the averaging of
/// <see cref="ScheduleFree{T, TOptions}"/>. State: <c>z</c>; one pass, 20 bytes moved per float parameter.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class ScheduleFreeSgd<T> : ScheduleFree<T, ScheduleFreeSgdOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates Schedule-Free SGD over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Options; default Optax's.</param>
    public ScheduleFreeSgd(IEnumerable<Parameter<T>> parameters, ScheduleFreeSgdOptions? options = null)
        : base(parameters, options ?? new ScheduleFreeSgdOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, ScheduleFreeSgdOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var (average, negativeRate) = Constants(group);
        var kernel = new ScheduleFreeSgdKernel<T>(average, T.CreateTruncating(group.Options.WeightDecay), negativeRate);
        T[] z = Z(group);
        RunKernel(group, kernel, z);
    }
}

/// <summary>Schedule-Free's interpolation constants and its element formula, shared by both variants.</summary>
internal readonly struct ScheduleFreeAverage<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _beta1;
    private readonly T _oneMinusBeta1;
    private readonly T _c;
    private readonly T _oneMinusC;

    internal ScheduleFreeAverage(double beta1, double c)
    {
        _beta1 = T.CreateTruncating(beta1);
        _oneMinusBeta1 = T.CreateTruncating(1.0 - beta1);
        _c = T.CreateTruncating(c);
        _oneMinusC = T.CreateTruncating(1.0 - c);
    }

    /// <summary>Moves z by the base direction u and returns the new y, as Optax's update followed by <c>apply_updates</c>.</summary>
    internal T Apply(T y, ref T z, T u)
    {
        T next = z + u;
        T x = (y - (_oneMinusBeta1 * z)) / _beta1;
        x = (_oneMinusC * x) + (_c * next);
        z = next;
        return y + (((_beta1 * x) + (_oneMinusBeta1 * next)) - y);
    }

    internal TV Apply<TV>(TV y, ref TV z, TV u)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        TV next = z + u;
        TV x = (y - (TV.Create(_oneMinusBeta1) * z)) / TV.Create(_beta1);
        x = (TV.Create(_oneMinusC) * x) + (TV.Create(_c) * next);
        z = next;
        return y + (((TV.Create(_beta1) * x) + (TV.Create(_oneMinusBeta1) * next)) - y);
    }
}

internal readonly struct ScheduleFreeAdamWKernel<T>(ScheduleFreeAverage<T> average, T oneMinusBeta2, T beta2, T correction2, T eps, T weightDecay, T negativeRate) : IUpdate2<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T y, T g, ref T z, ref T v)
    {
        v = (oneMinusBeta2 * (g * g)) + (beta2 * v);
        T direction = ((T.One / (T.Sqrt(v / correction2) + eps)) * g) + (weightDecay * y);
        return average.Apply(y, ref z, negativeRate * direction);
    }

    public TV Simd<TV>(TV y, TV g, ref TV z, ref TV v)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        v = (TV.Create(oneMinusBeta2) * (g * g)) + (TV.Create(beta2) * v);
        TV direction = ((TV.Create(T.One) / (TV.Sqrt(v / TV.Create(correction2)) + TV.Create(eps))) * g) + (TV.Create(weightDecay) * y);
        return average.Apply(y, ref z, TV.Create(negativeRate) * direction);
    }
}

internal readonly struct ScheduleFreeSgdKernel<T>(ScheduleFreeAverage<T> average, T weightDecay, T negativeRate) : IUpdate1<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T y, T g, ref T z) => average.Apply(y, ref z, negativeRate * (g + (weightDecay * y)));

    public TV Simd<TV>(TV y, TV g, ref TV z)
        where TV : unmanaged, ISimdVector<TV, T> =>
        average.Apply(y, ref z, TV.Create(negativeRate) * (g + (TV.Create(weightDecay) * y)));
}
