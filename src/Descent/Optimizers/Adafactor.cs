using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>Options of <see cref="Adafactor{T}"/>, with PyTorch's names (in .NET casing) and defaults.</summary>
public sealed record AdafactorOptions : OptimizerOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Adafactor<T>(parameters, this);

    /// <summary>Creates the options with PyTorch's defaults (<c>lr = 1e-2</c>).</summary>
    public AdafactorOptions() => LearningRate = 1e-2;

    /// <summary>
    /// Exponent τ of the second-moment decay, β̂₂ₜ = 1 − t^τ (PyTorch <c>beta2_decay</c>). Must be ≤ 0.
    /// </summary>
    public double Beta2Decay { get; init; } = -0.8;

    /// <summary>
    /// ε₁, the floor of the variance estimate and of the row-factor mean (PyTorch <c>eps[0]</c>);
    /// <see langword="null"/> means the machine epsilon of the element type, as in PyTorch. Must be ≥ 0.
    /// </summary>
    public double? Epsilon1 { get; init; }

    /// <summary>ε₂, the floor of a parameter's RMS when scaling the step (PyTorch <c>eps[1]</c>). Must be ≥ 0.</summary>
    public double Epsilon2 { get; init; } = 1e-3;

    /// <summary>Clipping threshold d: updates whose RMS exceeds d are scaled down to it (PyTorch <c>d</c>). Must be ≥ 1.</summary>
    public double ClippingThreshold { get; init; } = 1.0;

    /// <summary>Decoupled weight decay λ: θ ← θ(1 − ηλ) before the update. Must be ≥ 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Maximize the objective instead of minimizing.</summary>
    public bool Maximize { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (!(Beta2Decay <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Beta2Decay), Beta2Decay,
                $"{nameof(Beta2Decay)} must be a number ≤ 0; got {Guard.Format(Beta2Decay)}.");
        }

        if (Epsilon1 is double eps1)
        {
            Guard.NonNegative(eps1, nameof(Epsilon1));
        }

        Guard.NonNegative(Epsilon2, nameof(Epsilon2));
        if (!(ClippingThreshold >= 1) || double.IsInfinity(ClippingThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(ClippingThreshold), ClippingThreshold,
                $"{nameof(ClippingThreshold)} must be a finite number ≥ 1; got {Guard.Format(ClippingThreshold)}.");
        }

        Guard.NonNegative(WeightDecay, nameof(WeightDecay));
    }
}

/// <summary>
/// Adafactor (Shazeer and Stern, 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost") exactly as
/// PyTorch's <c>torch.optim.Adafactor</c> (single-tensor path). Tensors of rank ≥ 2 keep only row and column
/// means of the squared gradient over their last two dimensions (<c>row_var</c>, <c>col_var</c>); vectors keep
/// a full <c>variance</c>. With G the (sign-adjusted) gradient and t the step:
/// <code>
/// β̂ = 1 − t^τ;  ρ = min(η, 1/√t);  α = max(ε₂, RMS(θ))·ρ;  θ ← θ(1 − ηλ)
/// R ← lerp(R, mean_c G², 1−β̂);  C ← lerp(C, mean_r G², 1−β̂);  V = R Cᵀ / max(mean_r R, ε₁)   (rank ≥ 2)
/// V ← lerp(V, G², 1−β̂)                                                                      (vectors)
/// U = G / √max(V, ε₁²);  θ ← θ − α U / max(1, RMS(U)/d)
/// </code>
/// Where PyTorch deviates from the paper (η caps ρ and scales the decay; ε₁ applied to V rather than to
/// G²; means instead of sums), this follows PyTorch. Its <c>foreach</c> flag selects an implementation with
/// the same arithmetic and has no counterpart here.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Adafactor<T> : Optimizer<T, AdafactorOptions>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly Func<Parameter<T>, int> RowLength = p => IsFactored(p) ? Product(p.Shape, 0, p.Shape.Count - 1) : 0;
    private static readonly Func<Parameter<T>, int> ColumnLength = p =>
        IsFactored(p) ? Product(p.Shape, 0, p.Shape.Count - 2) * p.Shape[^1] : 0;

    private static readonly Func<Parameter<T>, int> VarianceLength = p => IsFactored(p) ? 0 : p.Length;

    private double[] _columnScratch = [];

    /// <summary>Creates Adafactor over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters; their shapes decide which get factored second moments.</param>
    /// <param name="options">Options; default PyTorch's.</param>
    public Adafactor(IEnumerable<Parameter<T>> parameters, AdafactorOptions? options = null)
        : base(parameters, options ?? new AdafactorOptions())
    {
    }

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, AdafactorOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        double step = group.StepCount;
        double eps1 = o.Epsilon1 ?? double.CreateTruncating(T.BitIncrement(T.One) - T.One);
        var s = new AdafactorScalars<T>(
            T.CreateTruncating(Math.Pow(step, o.Beta2Decay)),
            T.CreateTruncating(eps1),
            T.CreateTruncating(eps1 * eps1),
            o.Maximize ? -T.One : T.One,
            T.CreateTruncating(1 - (o.LearningRate * o.WeightDecay)),
            o.WeightDecay != 0);
        double rho = PyMin(o.LearningRate, 1 / Math.Pow(step, 0.5));
        KernelPath path = KernelPath;

        for (int i = 0; i < group.Parameters.Count; i++)
        {
            var parameter = group.Parameters[i];
            Span<T> rows = State(group, "row_var", RowLength, i);
            Span<T> columns = State(group, "col_var", ColumnLength, i);
            Span<T> variance = State(group, "variance", VarianceLength, i);
            if (parameter.Length == 0)
            {
                continue;
            }

            Span<T> p = parameter.Value.Span;
            double rms = Math.Sqrt(AdafactorKernels<T>.SumSquares(p, path)) / Math.Pow(p.Length, 0.5);
            double alpha = PyMax(o.Epsilon2, rms) * rho;
            bool factored = IsFactored(parameter);
            double sumSquares = factored
                ? FactoredUpdateNorm(parameter, rows, columns, s, ColumnScratch(parameter), path)
                : AdafactorKernels<T>.UpdateVariance(parameter.Gradient.Span, variance, s, path);
            double denominator = PyMax(1.0, Math.Sqrt(sumSquares) / (Math.Pow(p.Length, 0.5) * o.ClippingThreshold));
            T scale = T.CreateTruncating(-alpha / denominator);
            if (factored)
            {
                ApplyFactored(parameter, rows, columns, s, scale, path);
            }
            else
            {
                AdafactorKernels<T>.Apply(p, parameter.Gradient.Span, variance, s, scale, path);
            }
        }
    }

    // Column sums of G² for the widest factored parameter; grown once, so steps allocate nothing afterwards.
    private double[] ColumnScratch(Parameter<T> parameter)
    {
        int n = parameter.Shape[^1];
        if (_columnScratch.Length < n)
        {
            _columnScratch = new double[n];
        }

        return _columnScratch;
    }

    private static bool IsFactored(Parameter<T> p) => p.Shape.Count >= 2;

    private static int Product(IReadOnlyList<int> shape, int from, int to)
    {
        int product = 1;
        for (int k = from; k < to; k++)
        {
            product = checked(product * shape[k]);
        }

        return product;
    }

    // Python's max/min keep the first argument unless the second compares greater/smaller, so NaN never wins.
    private static double PyMax(double a, double b) => b > a ? b : a;

    private static double PyMin(double a, double b) => b < a ? b : a;

    // mean of g² along a line, computed like PyTorch as ‖g‖² / n from the rounded norm.
    private static T MeanSquare(double sumSquares, int count)
    {
        T norm = T.CreateTruncating(Math.Sqrt(sumSquares));
        return norm * norm / T.CreateTruncating(count);
    }

    private static (int Batches, int Rows, int Columns) Dimensions(Parameter<T> parameter)
    {
        var shape = parameter.Shape;
        return (Product(shape, 0, shape.Count - 2), shape[^2], shape[^1]);
    }

    // Updates the row and column factors from this step's gradient and returns Σ U² for the clipping RMS.
    private static double FactoredUpdateNorm(Parameter<T> parameter, Span<T> rows, Span<T> columns, in AdafactorScalars<T> s, double[] columnScratch, KernelPath path)
    {
        var (batches, m, n) = Dimensions(parameter);
        ReadOnlySpan<T> grad = parameter.Gradient.Span;
        double sum = 0;
        for (int b = 0; b < batches; b++)
        {
            ReadOnlySpan<T> g = grad.Slice(b * m * n, m * n);
            Span<T> r = rows.Slice(b * m, m);
            Span<T> c = columns.Slice(b * n, n);

            // One row-major pass gathers both the row sums and the column sums of G².
            Span<double> columnSums = columnScratch.AsSpan(0, n);
            columnSums.Clear();
            for (int i = 0; i < m; i++)
            {
                double rowSum = AdafactorKernels<T>.RowAndColumnSums(g.Slice(i * n, n), columnSums, path);
                r[i] = AdafactorKernels<T>.Lerp(r[i], MeanSquare(rowSum, n), s.Weight);
            }

            for (int j = 0; j < n; j++)
            {
                c[j] = AdafactorKernels<T>.Lerp(c[j], MeanSquare(columnSums[j], m), s.Weight);
            }

            T rowMean = RowMean(r, s);
            for (int i = 0; i < m; i++)
            {
                sum += AdafactorKernels<T>.FactoredUpdateSumSquares(g.Slice(i * n, n), r[i], c, rowMean, s, path);
            }
        }

        return sum;
    }

    private static T RowMean(ReadOnlySpan<T> rows, in AdafactorScalars<T> s)
    {
        T total = T.Zero;
        foreach (T x in rows)
        {
            total += x;
        }

        T mean = total / T.CreateTruncating(rows.Length);
        return mean < s.Eps1 ? s.Eps1 : mean;
    }

    private static void ApplyFactored(Parameter<T> parameter, ReadOnlySpan<T> rows, ReadOnlySpan<T> columns, in AdafactorScalars<T> s, T scale, KernelPath path)
    {
        var (batches, m, n) = Dimensions(parameter);
        Span<T> value = parameter.Value.Span;
        ReadOnlySpan<T> grad = parameter.Gradient.Span;
        for (int b = 0; b < batches; b++)
        {
            ReadOnlySpan<T> r = rows.Slice(b * m, m);
            ReadOnlySpan<T> c = columns.Slice(b * n, n);
            T rowMean = RowMean(r, s);
            for (int i = 0; i < m; i++)
            {
                int offset = ((b * m) + i) * n;
                AdafactorKernels<T>.ApplyFactoredRow(value.Slice(offset, n), grad.Slice(offset, n), r[i], c, rowMean, s, scale, path);
            }
        }
    }
}
