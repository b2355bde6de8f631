using System.Numerics;

namespace Descent.NeuralNetworks;

/// <summary>Whose operation order <see cref="BatchNorm{T}"/> computes in: the value is the same, the last bits are not.</summary>
public enum BatchNormArithmetic
{
    /// <summary>
    /// PyTorch's CPU kernel (aten/src/ATen/native/cpu/batch_norm_kernel.cpp, the channels-last path a
    /// <c>[batch, features]</c> input takes): <c>y = x·α + b</c> with <c>α = invstd·γ</c>, <c>b = β − mean·α</c>; the
    /// backward from <c>Σ dy</c> and <c>Σ (x − mean)·dy</c>.
    /// </summary>
    PyTorch,

    /// <summary>The book's NumPy <c>BatchNormalization</c> (common/layers.py): <c>xn = (x − mean) / std</c>, its backward through std and var.</summary>
    Book,
}

/// <summary>
/// Constants of <see cref="BatchNorm{T}"/>. The defaults are PyTorch's <c>BatchNorm1d</c>;
/// <see cref="Book"/> gives the book's.
/// </summary>
public sealed record BatchNormOptions
{
    /// <summary>PyTorch's constants (the defaults).</summary>
    public static BatchNormOptions PyTorch { get; } = new();

    /// <summary>
    /// The book's <c>BatchNormalization</c>: running statistics keep 0.9 of the old value (its
    /// <c>momentum=0.9</c>, i.e. <see cref="Momentum"/> 0.1 here), ε = 10e-7 as the book writes it
    /// (that is 1e-6), a biased running variance, and running statistics starting at zero.
    /// </summary>
    public static BatchNormOptions Book { get; } = new()
    {
        // 1 − 0.9 rather than 0.1, so that the weights are the very doubles the book's arithmetic uses.
        Momentum = 1 - 0.9,
        Epsilon = 10e-7,
        UnbiasedRunningVariance = false,
        InitialRunningVariance = 0,
        Arithmetic = BatchNormArithmetic.Book,
    };

    /// <summary>Weight of the new batch statistic in the running averages (PyTorch's meaning: 0.1).</summary>
    public double Momentum { get; init; } = 0.1;

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; init; } = 1e-5;

    /// <summary>Track the running variance with Bessel's correction <c>n/(n−1)</c>, as PyTorch does.</summary>
    public bool UnbiasedRunningVariance { get; init; } = true;

    /// <summary>Initial running variance (PyTorch 1, the book 0); the running mean starts at 0.</summary>
    public double InitialRunningVariance { get; init; } = 1;

    /// <summary>Whose operation order to compute in (PyTorch's CPU kernel by default, the book's NumPy code for <see cref="Book"/>).</summary>
    public BatchNormArithmetic Arithmetic { get; init; } = BatchNormArithmetic.PyTorch;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid constant.</summary>
    public void Validate()
    {
        Guard.UnitInterval(Momentum, nameof(Momentum), inclusiveUpper: true);
        Guard.Positive(Epsilon, nameof(Epsilon));
        Guard.NonNegative(InitialRunningVariance, nameof(InitialRunningVariance));
    }
}

/// <summary>
/// Batch normalisation over the feature axis (Ioffe and Szegedy 2015): in training
/// <c>y = γ (x − μ_B) / √(σ²_B + ε) + β</c> with the batch mean and biased variance, updating the
/// running statistics; in evaluation the running statistics replace the batch's.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class BatchNorm<T> : Layer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] _parameters;
    private readonly NamedArray<T>[] _buffers;
    private readonly NamedArray<long>[] _counters;
    private readonly int _size;
    private readonly T[] _mean;
    private readonly T[] _std;
    private readonly T[] _inverseStd;

    // x − mean of the last forward pass: both backward orders start from it.
    private T[] _centered = [];
    private bool _training;

    /// <summary>Creates the layer over existing γ and β storage.</summary>
    /// <param name="gamma">Scale γ, shape <c>[features]</c> (initialise to ones).</param>
    /// <param name="beta">Shift β, same shape (initialise to zeros).</param>
    /// <param name="options">Constants; default PyTorch's.</param>
    /// <param name="bufferName">Names the running statistics, e.g. <c>s => "1." + s</c>; default the bare PyTorch names.</param>
    public BatchNorm(Parameter<T> gamma, Parameter<T> beta, BatchNormOptions? options = null, Func<string, string>? bufferName = null)
    {
        ArgumentNullException.ThrowIfNull(gamma);
        ArgumentNullException.ThrowIfNull(beta);
        if (beta.Length != gamma.Length)
        {
            throw new ArgumentException($"β '{beta.Name}' has {beta.Length} values but γ '{gamma.Name}' has {gamma.Length}.", nameof(beta));
        }

        Options = options ?? BatchNormOptions.PyTorch;
        Options.Validate();
        bufferName ??= static s => s;
        _size = gamma.Length;
        Gamma = gamma;
        Beta = beta;
        _parameters = [gamma, beta];
        RunningMean = new T[_size];
        RunningVariance = new T[_size];
        RunningVariance.AsSpan().Fill(T.CreateTruncating(Options.InitialRunningVariance));
        _buffers = [new(bufferName("running_mean"), RunningMean), new(bufferName("running_var"), RunningVariance)];
        _counters = [new(bufferName("num_batches_tracked"), new long[1])];
        _mean = new T[_size];
        _std = new T[_size];
        _inverseStd = new T[_size];
    }

    /// <summary>Creates a standalone layer with its own storage, γ = 1 and β = 0.</summary>
    /// <param name="features">Features per example.</param>
    /// <param name="options">Constants; default PyTorch's.</param>
    /// <returns>The layer.</returns>
    public static BatchNorm<T> Create(int features, BatchNormOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        var gamma = new T[features];
        gamma.AsSpan().Fill(T.One);
        return new BatchNorm<T>(new Parameter<T>("gamma", gamma), new Parameter<T>("beta", new T[features]), options);
    }

    /// <summary>The constants.</summary>
    public BatchNormOptions Options { get; }

    /// <summary>Scale γ.</summary>
    public Parameter<T> Gamma { get; }

    /// <summary>Shift β.</summary>
    public Parameter<T> Beta { get; }

    /// <summary>Running mean (live storage).</summary>
    public T[] RunningMean { get; }

    /// <summary>Running variance (live storage).</summary>
    public T[] RunningVariance { get; }

    /// <summary>Training batches seen (PyTorch's <c>num_batches_tracked</c>).</summary>
    public long BatchesTracked => _counters[0].Values[0];

    /// <inheritdoc/>
    public override int InputSize => _size;

    /// <inheritdoc/>
    public override int OutputSize => _size;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <inheritdoc/>
    public override IReadOnlyList<NamedArray<T>> Buffers => _buffers;

    /// <inheritdoc/>
    public override IReadOnlyList<NamedArray<long>> Counters => _counters;

    /// <inheritdoc/>
    protected override ReadOnlyMemory<T> ForwardCore(ReadOnlySpan<T> input, int batch, bool training)
    {
        if (training && batch < 2 && Options.UnbiasedRunningVariance)
        {
            throw new ArgumentException("BatchNorm in training mode needs a batch of at least 2 for the unbiased running variance (PyTorch refuses a batch of 1 too).", nameof(batch));
        }

        var output = OutputBuffer(input.Length);
        var centered = Grow(ref _centered, input.Length).Span;
        T eps = T.CreateTruncating(Options.Epsilon);
        for (int j = 0; j < _size; j++)
        {
            T mean, variance;
            if (training)
            {
                // Both orders sum the batch one row after another from 0 (PyTorch's channels-last reduction on one
                // thread, NumPy's reduction over axis 0), then divide by n.
                T n = T.CreateTruncating(batch);
                T sum = T.Zero;
                for (int r = 0; r < batch; r++)
                {
                    sum += input[(r * _size) + j];
                }

                mean = sum / n;
                T squares = T.Zero;
                for (int r = 0; r < batch; r++)
                {
                    T c = input[(r * _size) + j] - mean;
                    squares += c * c;
                }

                variance = squares / n;
                UpdateRunningStatistics(j, mean, squares, batch);
            }
            else
            {
                (mean, variance) = (RunningMean[j], RunningVariance[j]);
            }

            _mean[j] = mean;
            _std[j] = T.Sqrt(variance + eps);
            _inverseStd[j] = T.One / _std[j];
            for (int r = 0; r < batch; r++)
            {
                int i = (r * _size) + j;
                centered[i] = input[i] - mean;
            }

            if (Options.Arithmetic == BatchNormArithmetic.PyTorch)
            {
                ForwardPyTorch(input, output.Span, batch, j);
            }
            else
            {
                ForwardBook(centered, output.Span, batch, j);
            }
        }

        if (training)
        {
            _counters[0].Values[0]++;
        }

        _training = training;
        return output;
    }

    /// <summary>Running statistics: PyTorch's <c>m·mean + (1 − m)·R</c> and <c>m·Σc²/(n − 1) + (1 − m)·R</c> (the book: <c>Σc²/n</c>).</summary>
    private void UpdateRunningStatistics(int j, T mean, T squares, int batch)
    {
        T momentum = T.CreateTruncating(Options.Momentum);
        T keep = T.One - momentum;
        T divisor = T.CreateTruncating(Options.UnbiasedRunningVariance ? batch - 1 : batch);
        RunningMean[j] = (momentum * mean) + (keep * RunningMean[j]);
        RunningVariance[j] = (momentum * (squares / divisor)) + (keep * RunningVariance[j]);
    }

    // PyTorch: α = invstd·γ, b = β − mean·α, y = x·α + b (batch_norm_cpu_collect_linear_and_constant_terms).
    private void ForwardPyTorch(ReadOnlySpan<T> input, Span<T> y, int batch, int j)
    {
        T alpha = _inverseStd[j] * Gamma.Value.Span[j];
        T shift = Beta.Value.Span[j] - (_mean[j] * alpha);
        for (int r = 0; r < batch; r++)
        {
            int i = (r * _size) + j;
            y[i] = (input[i] * alpha) + shift;
        }
    }

    // The book: xn = xc / std, y = γ·xn + β.
    private void ForwardBook(ReadOnlySpan<T> centered, Span<T> y, int batch, int j)
    {
        T gamma = Gamma.Value.Span[j], beta = Beta.Value.Span[j], std = _std[j];
        for (int r = 0; r < batch; r++)
        {
            int i = (r * _size) + j;
            y[i] = (gamma * (centered[i] / std)) + beta;
        }
    }

    // Training: ∂L/∂x = (γ/σ)·(δ − mean(δ) − x̂·mean(δ·x̂)), ∂L/∂γ = Σ δ·x̂, ∂L/∂β = Σ δ  (σ = √(σ²_B + ε)).
    // Evaluation: the statistics are constants, so ∂L/∂x = γ·δ/σ_running. Each order below computes exactly these.
    /// <inheritdoc/>
    protected override ReadOnlyMemory<T> BackwardCore(ReadOnlySpan<T> outputGradient, bool computeInputGradient)
    {
        int batch = Batch;
        ReadOnlySpan<T> centered = _centered.AsSpan(0, batch * _size);
        Span<T> dx = computeInputGradient ? InputGradientBuffer(batch * _size).Span : default;
        for (int j = 0; j < _size; j++)
        {
            if (Options.Arithmetic == BatchNormArithmetic.PyTorch)
            {
                BackwardPyTorch(outputGradient, centered, dx, batch, j, computeInputGradient);
            }
            else
            {
                BackwardBook(outputGradient, centered, dx, batch, j, computeInputGradient);
            }
        }

        return computeInputGradient ? InputGradientBuffer(batch * _size) : ReadOnlyMemory<T>.Empty;
    }

    // PyTorch (batch_norm_cpu_backward_channels_last_impl): sum = Σ dy, dotp = Σ (x − mean)·dy;
    // k = dotp·invstd·invstd/n, dx = (dy − sum/n − (x − mean)·k)·invstd·γ; ∂γ = dotp·invstd, ∂β = sum.
    private void BackwardPyTorch(ReadOnlySpan<T> dy, ReadOnlySpan<T> centered, Span<T> dx, int batch, int j, bool inputGradient)
    {
        T sum = T.Zero, dotp = T.Zero;
        for (int r = 0; r < batch; r++)
        {
            int i = (r * _size) + j;
            sum += dy[i];
            dotp += centered[i] * dy[i];
        }

        T invstd = _inverseStd[j], w = Gamma.Value.Span[j];
        Gamma.Gradient.Span[j] = dotp * invstd;
        Beta.Gradient.Span[j] = sum;
        if (!inputGradient)
        {
            return;
        }

        T n = T.CreateTruncating(batch);
        T k = dotp * invstd * invstd / n;
        T gradMean = sum / n;
        for (int r = 0; r < batch; r++)
        {
            int i = (r * _size) + j;
            dx[i] = _training ? (dy[i] - gradMean - (centered[i] * k)) * invstd * w : dy[i] * invstd * w;
        }
    }

    // The book (BatchNormalization.__backward): dxn = γ·dout, dxc = dxn/std, dstd = −Σ dxn·xc/(std·std),
    // dvar = 0.5·dstd/std, dxc += (2/n)·xc·dvar, dx = dxc − Σ dxc/n; ∂γ = Σ xn·dout, ∂β = Σ dout.
    private void BackwardBook(ReadOnlySpan<T> dout, ReadOnlySpan<T> centered, Span<T> dx, int batch, int j, bool inputGradient)
    {
        T gamma = Gamma.Value.Span[j], std = _std[j];
        T dbeta = T.Zero, dgamma = T.Zero, dstd = T.Zero;
        for (int r = 0; r < batch; r++)
        {
            int i = (r * _size) + j;
            dbeta += dout[i];
            dgamma += centered[i] / std * dout[i];
            dstd += gamma * dout[i] * centered[i] / (std * std);
        }

        Gamma.Gradient.Span[j] = dgamma;
        Beta.Gradient.Span[j] = dbeta;
        if (!inputGradient)
        {
            return;
        }

        if (!_training)
        {
            for (int r = 0; r < batch; r++)
            {
                int i = (r * _size) + j;
                dx[i] = gamma * dout[i] / std;
            }

            return;
        }

        T n = T.CreateTruncating(batch);
        T dvar = T.CreateTruncating(0.5) * -dstd / std;
        T twoOverN = T.CreateTruncating(2.0) / n;
        T dmu = T.Zero;
        for (int r = 0; r < batch; r++)
        {
            int i = (r * _size) + j;
            dx[i] = (gamma * dout[i] / std) + (twoOverN * centered[i] * dvar);
            dmu += dx[i];
        }

        for (int r = 0; r < batch; r++)
        {
            dx[(r * _size) + j] -= dmu / n;
        }
    }
}
