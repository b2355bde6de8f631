using System.Numerics;
using Descent.Numerics;

namespace Descent.Optimizers;

/// <summary>How <see cref="Muon{T}"/> scales the learning rate by the matrix's shape (PyTorch's <c>adjust_lr_fn</c>).</summary>
public enum MuonLearningRateAdjustment
{
    /// <summary>Keller Jordan's original: η·√max(1, rows/columns) (PyTorch's default, <c>None</c> or <c>"original"</c>).</summary>
    Original,

    /// <summary>Moonshot's: η·0.2·√max(rows, columns), so AdamW's learning rate and decay carry over (<c>"match_rms_adamw"</c>).</summary>
    MatchRmsAdamW,
}

/// <summary>Options of <see cref="Muon{T}"/>, with PyTorch's names (in .NET casing) and defaults (<c>torch.optim.Muon</c>).</summary>
public sealed record MuonOptions : MomentumOptions, IWeightDecayOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Muon<T>(parameters, this);

    /// <summary>Creates the options with PyTorch's defaults (lr 1e-3, weight decay 0.1, momentum 0.95, Nesterov, 5 steps).</summary>
    /// <remarks>
    /// Here: <see cref="MomentumOptions.Momentum"/> is μ of the buffer B ← B + (1 − μ)(g − B) (PyTorch <c>momentum</c>).
    /// Must be ≥ 0.
    /// </remarks>
    public MuonOptions()
    {
        LearningRate = 1e-3;
        Momentum = 0.95;
    }

    /// <summary>Decoupled weight decay λ: θ ← θ(1 − ηλ) before the step (PyTorch <c>weight_decay</c>). Must be ≥ 0.</summary>
    public double WeightDecay { get; init; } = 0.1;

    /// <summary>Orthogonalise g + μ(B − g) instead of B (PyTorch <c>nesterov</c>).</summary>
    public bool Nesterov { get; init; } = true;

    /// <summary>Newton–Schulz coefficient a (PyTorch <c>ns_coefficients[0]</c>).</summary>
    public double NewtonSchulzA { get; init; } = 3.4445;

    /// <summary>Newton–Schulz coefficient b (PyTorch <c>ns_coefficients[1]</c>).</summary>
    public double NewtonSchulzB { get; init; } = -4.7750;

    /// <summary>Newton–Schulz coefficient c (PyTorch <c>ns_coefficients[2]</c>).</summary>
    public double NewtonSchulzC { get; init; } = 2.0315;

    /// <summary>Floor of the Frobenius norm that the matrix is divided by (PyTorch <c>eps</c>). Must be ≥ 0.</summary>
    public double Epsilon { get; init; } = 1e-7;

    /// <summary>Newton–Schulz iterations (PyTorch <c>ns_steps</c>), in [0, 100).</summary>
    public int NewtonSchulzSteps { get; init; } = 5;

    /// <summary>The shape-dependent scaling of the learning rate (PyTorch <c>adjust_lr_fn</c>).</summary>
    public MuonLearningRateAdjustment AdjustLearningRate { get; init; }

    /// <inheritdoc/>
    public OptimizerOptions WithWeightDecay(double weightDecay) => this with { WeightDecay = weightDecay };

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.NonNegative(WeightDecay, nameof(WeightDecay));
        Guard.NonNegative(Momentum, nameof(Momentum));
        Guard.NonNegative(Epsilon, nameof(Epsilon));
        if (NewtonSchulzSteps is < 0 or >= 100)
        {
            throw new ArgumentOutOfRangeException(nameof(NewtonSchulzSteps), NewtonSchulzSteps,
                $"{nameof(NewtonSchulzSteps)} must be in [0, 100) (PyTorch's limit); got {NewtonSchulzSteps}.");
        }

        foreach (var (value, name) in new[] { (NewtonSchulzA, nameof(NewtonSchulzA)), (NewtonSchulzB, nameof(NewtonSchulzB)), (NewtonSchulzC, nameof(NewtonSchulzC)) })
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number; got {Guard.Format(value)}.");
            }
        }

        if (!Enum.IsDefined(AdjustLearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(AdjustLearningRate), AdjustLearningRate, $"{nameof(AdjustLearningRate)} must be Original or MatchRmsAdamW.");
        }
    }
}

/// <summary>
/// Muon, "MomentUm Orthogonalized by Newton–Schulz" (Jordan et al., 2024), exactly as PyTorch's <c>torch.optim.Muon</c>
/// (2.11), for 2-D parameters only, as PyTorch requires. Per matrix θ (rows × columns):
/// <code>
/// B ← B + (1 − μ)(g − B);   U = g + μ(B − g)  (Nesterov; else U = B);   O = NS₅(U)
/// θ ← θ(1 − ηλ);   θ ← θ − η′·O,   η′ = η·√max(1, rows/columns)  (or 0.2·η·√max(rows, columns))
/// </code>
/// NS is the Newton–Schulz iteration in PyTorch's bfloat16 arithmetic (see <c>Descent.Numerics.NewtonSchulz</c>),
/// running on the float GEMM: the step costs about k·(2·m²n + m³) multiply-adds per m × n matrix (m ≤ n) and is
/// bounded by the GEMM, not by memory. The two interpolations are <c>torch.lerp</c>'s (its two formulas either side of
/// weight ½). Biases, normalisation parameters and other non-matrix parameters belong to another optimizer; the lab's
/// <c>muon</c> pairs it with AdamW for them (see the README). State: <c>momentum_buffer</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Muon<T> : Optimizer<T, MuonOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly NewtonSchulz _newtonSchulz = new();
    private T[] _update = [];

    /// <summary>Creates Muon over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">2-D parameters (their <see cref="Parameter{T}.Shape"/> has two dimensions).</param>
    /// <param name="options">Options; default PyTorch's.</param>
    /// <exception cref="ArgumentException">A parameter is not 2-D.</exception>
    public Muon(IEnumerable<Parameter<T>> parameters, MuonOptions? options = null)
        : base(parameters, options ?? new MuonOptions())
    {
    }

    /// <inheritdoc/>
    protected override void ValidateGroup(ParameterGroup<T, MuonOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        foreach (var p in group.Parameters)
        {
            if (p.Shape.Count != 2)
            {
                throw new ArgumentException(
                    $"Muon updates 2-D parameters only (as torch.optim.Muon); '{p.Name}' has shape [{string.Join(", ", p.Shape)}]. " +
                    "Give biases and normalisation parameters another optimizer (the lab's muon pairs it with AdamW).",
                    nameof(group));
            }
        }
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, MuonOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        T[] buffers = State(group, "momentum_buffer");
        for (int i = 0; i < group.Parameters.Count; i++)
        {
            var parameter = group.Parameters[i];
            int rows = parameter.Shape[0], columns = parameter.Shape[1];
            if (_update.Length < parameter.Length)
            {
                _update = new T[parameter.Length];
            }

            Span<T> update = _update.AsSpan(0, parameter.Length);
            Momentum(parameter.Gradient.Span, buffers.AsSpan(group.Offsets[i], parameter.Length), update, o.Momentum, o.Nesterov);
            var orthogonal = _newtonSchulz.Orthogonalize<T>(update, rows, columns, o.NewtonSchulzA, o.NewtonSchulzB, o.NewtonSchulzC, o.NewtonSchulzSteps, o.Epsilon);
            double ratio = o.AdjustLearningRate == MuonLearningRateAdjustment.Original
                ? Math.Sqrt(Math.Max(1, rows / (double)columns))
                : 0.2 * Math.Sqrt(Math.Max(rows, columns));
            Apply(parameter.Value.Span, orthogonal, rows, columns, T.CreateTruncating(1 - (o.LearningRate * o.WeightDecay)), T.CreateTruncating(-(o.LearningRate * ratio)));
        }
    }

    /// <summary>
    /// <c>B.lerp_(g, 1 − μ)</c>, then <c>g.lerp(B, μ)</c> (Nesterov) or B. torch.lerp computes start + w(end − start) for
    /// w &lt; ½ and end − (end − start)(1 − w) otherwise; both weights are rounded to T first, as PyTorch's opmath does.
    /// </summary>
    private static void Momentum(ReadOnlySpan<T> g, Span<T> buffer, Span<T> update, double momentum, bool nesterov)
    {
        T toGradient = T.CreateTruncating(1 - momentum);
        T toBuffer = T.CreateTruncating(momentum);
        for (int j = 0; j < g.Length; j++)
        {
            buffer[j] = Lerp(buffer[j], g[j], toGradient);
            update[j] = nesterov ? Lerp(g[j], buffer[j], toBuffer) : buffer[j];
        }
    }

    private static T Lerp(T start, T end, T weight) =>
        T.Abs(weight) < T.CreateTruncating(0.5) ? start + (weight * (end - start)) : end - ((end - start) * (T.One - weight));

    /// <summary><c>θ.mul_(1 − ηλ)</c>, then <c>θ.add_(O, alpha=−η′)</c> with O read back from the wide layout.</summary>
    private static void Apply(Span<T> p, ReadOnlySpan<float> orthogonal, int rows, int columns, T decay, T negativeRate)
    {
        bool transposed = rows > columns;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                int at = (r * columns) + c;
                T o = T.CreateTruncating(orthogonal[transposed ? (c * rows) + r : at]);
                p[at] = (p[at] * decay) + (negativeRate * o);
            }
        }
    }
}
