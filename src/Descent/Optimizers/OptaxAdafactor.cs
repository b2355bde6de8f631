using System.Numerics;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="OptaxAdafactor{T}"/>, with Optax's defaults (<c>optax.adafactor</c>) in .NET names.</summary>
public sealed record OptaxAdafactorOptions : OptimizerOptions, IMomentumOptions, IOptimizerFactory
{
    private double? _momentum;

    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new OptaxAdafactor<T>(parameters, this);

    /// <summary>Creates the options with Optax's defaults; the learning rate 1 stands for Optax's <c>learning_rate=None</c> (no scaling: ×1 is exact).</summary>
    public OptaxAdafactorOptions() => LearningRate = 1.0;

    /// <summary>Factor matrices whose second-largest dimension reaches this size (Optax <c>min_dim_size_to_factor</c>). Must be ≥ 0.</summary>
    public int MinDimSizeToFactor { get; init; } = 128;

    /// <summary>The decay 1 − (t + 1)^(−rate) of the second-moment estimate (Optax <c>decay_rate</c>). Must be ≥ 0.</summary>
    public double DecayRate { get; init; } = 0.8;

    /// <summary>Steps subtracted from the count in the decay (Optax <c>decay_offset</c>). Must be ≥ 0.</summary>
    public int DecayOffset { get; init; }

    /// <summary>Scale the update by max(RMS(θ), 1e-3) per tensor (Optax <c>multiply_by_parameter_scale</c>).</summary>
    public bool MultiplyByParameterScale { get; init; } = true;

    /// <summary>Clip each tensor's update to this RMS (Optax <c>clipping_threshold</c>); <see langword="null"/> for none. Must be &gt; 0.</summary>
    public double? ClippingThreshold { get; init; } = 1.0;

    /// <summary>Momentum of an undebiased moving average of the updates, kept in float32 as Optax's <c>dtype_momentum</c> (Optax <c>momentum</c>); <see langword="null"/> for none.</summary>
    public double? Momentum { get => _momentum; init => _momentum = value; }

    /// <summary>Weight decay added to the update after the scaling, before the sign flip (Optax <c>weight_decay_rate</c>); <see langword="null"/> for none.</summary>
    public double? WeightDecayRate { get; init; }

    /// <summary>ε added to g² (Optax <c>eps</c>). Must be ≥ 0.</summary>
    public double Epsilon { get; init; } = 1e-30;

    /// <summary>Factor the second moment of matrices at all (Optax <c>factored</c>).</summary>
    public bool Factored { get; init; } = true;

    /// <inheritdoc/>
    public double MomentumCoefficient => Momentum ?? 0;

    /// <inheritdoc/>
    public OptimizerOptions WithMomentumCoefficient(double momentum) => this with { Momentum = momentum };

    /// <inheritdoc/>
    void IMomentumOptions.SetOwnedMomentumCoefficient(double momentum) => _momentum = momentum;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.NonNegativeInt(MinDimSizeToFactor, nameof(MinDimSizeToFactor));
        Guard.NonNegative(DecayRate, nameof(DecayRate));
        Guard.NonNegativeInt(DecayOffset, nameof(DecayOffset));
        if (ClippingThreshold is double threshold)
        {
            Guard.Positive(threshold, nameof(ClippingThreshold));
        }

        if (Momentum is double momentum)
        {
            Guard.UnitInterval(momentum, nameof(Momentum));
        }

        if (WeightDecayRate is double decay)
        {
            Guard.NonNegative(decay, nameof(WeightDecayRate));
        }

        Guard.NonNegative(Epsilon, nameof(Epsilon));
    }
}

/// <summary>
/// Adafactor as Optax writes it (<c>optax.adafactor</c> = <c>chain(scale_by_factored_rms, clip_by_block_rms,
/// scale_by_learning_rate(flip_sign=False), scale_by_param_block_rms, ema, add_decayed_weights, scale(−1))</c>), which
/// differs from PyTorch's (<see cref="Adafactor{T}"/>: ε placement, decay schedule, relative step): both are kept, named.
/// With ρ = 1 − (t − offset + 1)^(−0.8) computed in float32 as Optax does:
/// <code>
/// matrix (second-largest dim ≥ 128): r ← ρr + (1 − ρ)·mean_cols(g² + ε);  c ← ρc + (1 − ρ)·mean_rows(g² + ε)
///                                     u = g · (r/mean(r))^(−½) · c^(−½)
/// otherwise:                          v ← ρv + (1 − ρ)(g² + ε);  u = g · v^(−½)
/// u ← u / max(1, RMS(u)/d);  u ← η·u·max(RMS(θ), 1e-3);  [m ← (1 − μ)u + μm];  [u ← u + λθ];  θ ← θ − u
/// </code>
/// Factoring works on the two largest axes of a matrix; tensors of rank 3 and above are not supported yet. The step
/// takes three passes per tensor (moments, then the two RMS sums, then the update) in scalar loops: its memory is
/// sublinear by design, and it is not yet fused or vectorised. State: <c>v_row</c>, <c>v_col</c>, <c>v</c> (Optax's
/// names; the unused ones hold one zero, as in Optax) and <c>ema</c> with momentum.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class OptaxAdafactor<T> : Optimizer<T, OptaxAdafactorOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates Optax's Adafactor over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters (rank ≤ 2).</param>
    /// <param name="options">Options; default Optax's.</param>
    public OptaxAdafactor(IEnumerable<Parameter<T>> parameters, OptaxAdafactorOptions? options = null)
        : base(parameters, options ?? new OptaxAdafactorOptions())
    {
    }

    /// <inheritdoc/>
    protected override void ValidateGroup(ParameterGroup<T, OptaxAdafactorOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        foreach (var p in group.Parameters)
        {
            if (p.Shape.Count > 2)
            {
                throw new ArgumentException($"OptaxAdafactor handles parameters of rank ≤ 2; '{p.Name}' has shape [{string.Join(", ", p.Shape)}].", nameof(group));
            }
        }
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, OptaxAdafactorOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;

        // Optax: t = float32(count − offset + 1); 1 − t^(−rate), all in float32.
        float t = (float)(group.StepCount - 1 - o.DecayOffset + 1);
        T decay = T.CreateTruncating(1f - MathF.Pow(t, -(float)o.DecayRate));
        T keep = T.One - decay;
        if (!HasState(group, "v"))
        {
            CreateState(group, o);
        }

        for (int i = 0; i < group.Parameters.Count; i++)
        {
            var parameter = group.Parameters[i];
            var (rows, columns, factored) = Layout(parameter, o);

            // The buffers exist (CreateState): these static length functions are never called, and allocate nothing.
            Span<T> vRow = State(group, "v_row", static _ => 0, i);
            Span<T> vColumn = State(group, "v_col", static _ => 0, i);
            Span<T> v = State(group, "v", static _ => 0, i);
            Span<T> ema = o.Momentum is null ? default : State(group, "ema", static p => p.Length, i);
            ReadOnlySpan<T> g = parameter.Gradient.Span;
            Span<T> p = parameter.Value.Span;
            T eps = T.CreateTruncating(o.Epsilon);
            if (factored)
            {
                FactoredMoments(g, rows, columns, eps, decay, keep, vRow, vColumn);
            }
            else
            {
                for (int j = 0; j < g.Length; j++)
                {
                    v[j] = (decay * v[j]) + (keep * ((g[j] * g[j]) + eps));
                }
            }

            var direction = new Direction(factored, rows, columns, Mean(vRow), vRow, vColumn, v);
            T clip = T.One;
            if (o.ClippingThreshold is double threshold)
            {
                T squares = T.Zero;
                for (int j = 0; j < g.Length; j++)
                {
                    T u = direction.At(g, j);
                    squares += u * u;
                }

                clip = T.Max(T.One, T.Sqrt(squares / T.CreateTruncating(g.Length)) / T.CreateTruncating(threshold));
            }

            T scale = o.MultiplyByParameterScale ? ParameterScale(p) : T.One;
            Apply(o, direction, g, p, ema, clip, scale);
        }
    }

    /// <summary>Optax's state shapes: a factored matrix keeps v_row (the smaller axis) and v_col (the larger), the rest v; unused ones hold one zero.</summary>
    private static void CreateState(ParameterGroup<T, OptaxAdafactorOptions> group, OptaxAdafactorOptions o)
    {
        for (int i = 0; i < group.Parameters.Count; i++)
        {
            State(group, "v_row", p => Layout(p, o) is (int r, int c, true) ? Math.Min(r, c) : 1, i);
            State(group, "v_col", p => Layout(p, o) is (int r, int c, true) ? Math.Max(r, c) : 1, i);
            State(group, "v", p => Layout(p, o).Factored ? 1 : p.Length, i);
        }
    }

    private static void Apply(OptaxAdafactorOptions o, Direction direction, ReadOnlySpan<T> g, Span<T> p, Span<T> ema, T clip, T scale)
    {
        T rate = T.CreateTruncating(o.LearningRate);
        T momentum = T.CreateTruncating(o.Momentum ?? 0);
        T oneMinusMomentum = T.CreateTruncating(1 - (o.Momentum ?? 0));
        T decay = T.CreateTruncating(o.WeightDecayRate ?? 0);
        for (int j = 0; j < g.Length; j++)
        {
            T u = (rate * (direction.At(g, j) / clip)) * scale;
            if (o.Momentum is not null)
            {
                u = (oneMinusMomentum * u) + (momentum * ema[j]);

                // Optax keeps the average in float32 (dtype_momentum) but steps with the unrounded value.
                ema[j] = T.CreateTruncating(float.CreateTruncating(u));
            }

            if (o.WeightDecayRate is not null)
            {
                u += decay * p[j];
            }

            p[j] += -T.One * u;
        }
    }

    /// <summary>Row and column means of g² + ε folded into the factors; "row" is Optax's v_row (the mean over the largest axis).</summary>
    private static void FactoredMoments(ReadOnlySpan<T> g, int rows, int columns, T eps, T decay, T keep, Span<T> vRow, Span<T> vColumn)
    {
        // g is rows × columns with rows the second-largest axis: Optax's v_row (mean over the largest axis) is per row.
        bool wide = columns >= rows;
        int outer = wide ? rows : columns, inner = wide ? columns : rows;
        T innerCount = T.CreateTruncating(inner), outerCount = T.CreateTruncating(outer);
        for (int a = 0; a < outer; a++)
        {
            T sum = T.Zero;
            for (int b = 0; b < inner; b++)
            {
                T x = wide ? g[(a * columns) + b] : g[(b * columns) + a];
                sum += (x * x) + eps;
            }

            vRow[a] = (decay * vRow[a]) + (keep * (sum / innerCount));
        }

        for (int b = 0; b < inner; b++)
        {
            T sum = T.Zero;
            for (int a = 0; a < outer; a++)
            {
                T x = wide ? g[(a * columns) + b] : g[(b * columns) + a];
                sum += (x * x) + eps;
            }

            vColumn[b] = (decay * vColumn[b]) + (keep * (sum / outerCount));
        }
    }

    private static T Mean(ReadOnlySpan<T> values)
    {
        T sum = T.Zero;
        foreach (T x in values)
        {
            sum += x;
        }

        return sum / T.CreateTruncating(values.Length);
    }

    /// <summary>Optax's safe_root_mean_squares(θ, 1e-3): the RMS, or 1e-3 when it is at or below that.</summary>
    private static T ParameterScale(ReadOnlySpan<T> p)
    {
        T squares = T.Zero;
        foreach (T x in p)
        {
            squares += x * x;
        }

        T rms = T.Sqrt(squares / T.CreateTruncating(p.Length));
        T floor = T.CreateTruncating(1e-3);
        return rms <= floor ? floor : rms;
    }

    /// <summary>The matrix view of a parameter (rows × columns, a vector as 1 × n) and whether its moments are factored.</summary>
    private static (int Rows, int Columns, bool Factored) Layout(Parameter<T> parameter, OptaxAdafactorOptions o)
    {
        int rows = parameter.Shape.Count == 2 ? parameter.Shape[0] : 1;
        int columns = parameter.Shape.Count == 2 ? parameter.Shape[1] : parameter.Length;
        bool factored = o.Factored && parameter.Shape.Count == 2 && Math.Min(rows, columns) >= o.MinDimSizeToFactor;
        return (rows, columns, factored);
    }

    /// <summary>u before clipping: g·(r/mean r)^(−½)·c^(−½) for a factored matrix, g·v^(−½) otherwise (x^(−½) as 1/√x).</summary>
    private readonly ref struct Direction(bool factored, int rows, int columns, T rowMean, ReadOnlySpan<T> vRow, ReadOnlySpan<T> vColumn, ReadOnlySpan<T> v)
    {
        private readonly ReadOnlySpan<T> _vRow = vRow;
        private readonly ReadOnlySpan<T> _vColumn = vColumn;
        private readonly ReadOnlySpan<T> _v = v;

        public T At(ReadOnlySpan<T> g, int j)
        {
            if (!factored)
            {
                return g[j] * (T.One / T.Sqrt(_v[j]));
            }

            int row = j / columns, column = j % columns;
            bool wide = columns >= rows;
            T rowFactor = T.One / T.Sqrt(_vRow[wide ? row : column] / rowMean);
            T columnFactor = T.One / T.Sqrt(_vColumn[wide ? column : row]);
            return (g[j] * rowFactor) * columnFactor;
        }
    }
}
