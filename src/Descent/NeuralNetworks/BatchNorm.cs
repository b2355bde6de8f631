using System.Numerics;

namespace Descent.NeuralNetworks;

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
    };

    /// <summary>Weight of the new batch statistic in the running averages (PyTorch's meaning: 0.1).</summary>
    public double Momentum { get; init; } = 0.1;

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; init; } = 1e-5;

    /// <summary>Track the running variance with Bessel's correction <c>n/(n−1)</c>, as PyTorch does.</summary>
    public bool UnbiasedRunningVariance { get; init; } = true;

    /// <summary>Initial running variance (PyTorch 1, the book 0); the running mean starts at 0.</summary>
    public double InitialRunningVariance { get; init; } = 1;

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
    private readonly T[] _inverseStd;
    private T[] _normalized = [];
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
        var y = output.Span;
        var xn = Grow(ref _normalized, input.Length).Span;
        ReadOnlySpan<T> gamma = Gamma.Value.Span;
        ReadOnlySpan<T> beta = Beta.Value.Span;
        T eps = T.CreateTruncating(Options.Epsilon);
        T n = T.CreateTruncating(batch);
        if (training)
        {
            T momentum = T.CreateTruncating(Options.Momentum);
            T keep = T.One - momentum;
            T bessel = Options.UnbiasedRunningVariance ? n / (n - T.One) : T.One;
            for (int j = 0; j < _size; j++)
            {
                T sum = T.Zero;
                for (int r = 0; r < batch; r++)
                {
                    sum += input[(r * _size) + j];
                }

                T mean = sum / n;
                T squares = T.Zero;
                for (int r = 0; r < batch; r++)
                {
                    T c = input[(r * _size) + j] - mean;
                    squares += c * c;
                }

                T variance = squares / n;
                T inverseStd = T.One / T.Sqrt(variance + eps);
                _inverseStd[j] = inverseStd;
                for (int r = 0; r < batch; r++)
                {
                    int i = (r * _size) + j;
                    xn[i] = (input[i] - mean) * inverseStd;
                    y[i] = (gamma[j] * xn[i]) + beta[j];
                }

                RunningMean[j] = (keep * RunningMean[j]) + (momentum * mean);
                RunningVariance[j] = (keep * RunningVariance[j]) + (momentum * variance * bessel);
            }

            _counters[0].Values[0]++;
        }
        else
        {
            for (int j = 0; j < _size; j++)
            {
                _inverseStd[j] = T.One / T.Sqrt(RunningVariance[j] + eps);
            }

            for (int r = 0; r < batch; r++)
            {
                for (int j = 0; j < _size; j++)
                {
                    int i = (r * _size) + j;
                    xn[i] = (input[i] - RunningMean[j]) * _inverseStd[j];
                    y[i] = (gamma[j] * xn[i]) + beta[j];
                }
            }
        }

        _training = training;
        return output;
    }

    // Training: ∂L/∂x = (γ/σ)·(δ − mean(δ) − x̂·mean(δ·x̂)), ∂L/∂γ = Σ δ·x̂, ∂L/∂β = Σ δ  (σ = √(σ²_B + ε)).
    // Evaluation: the statistics are constants, so ∂L/∂x = γ·δ/σ_running.
    /// <inheritdoc/>
    protected override ReadOnlyMemory<T> BackwardCore(ReadOnlySpan<T> outputGradient, bool computeInputGradient)
    {
        int batch = Batch;
        ReadOnlySpan<T> xn = _normalized.AsSpan(0, batch * _size);
        ReadOnlySpan<T> gamma = Gamma.Value.Span;
        var dGamma = Gamma.Gradient.Span;
        var dBeta = Beta.Gradient.Span;
        Span<T> dx = computeInputGradient ? InputGradientBuffer(batch * _size).Span : default;
        T n = T.CreateTruncating(batch);
        for (int j = 0; j < _size; j++)
        {
            T sumDelta = T.Zero;
            T sumDeltaXn = T.Zero;
            for (int r = 0; r < batch; r++)
            {
                int i = (r * _size) + j;
                sumDelta += outputGradient[i];
                sumDeltaXn += outputGradient[i] * xn[i];
            }

            dBeta[j] = sumDelta;
            dGamma[j] = sumDeltaXn;
            if (!computeInputGradient)
            {
                continue;
            }

            T g = gamma[j] * _inverseStd[j];
            if (_training)
            {
                T meanDelta = sumDelta / n;
                T meanDeltaXn = sumDeltaXn / n;
                for (int r = 0; r < batch; r++)
                {
                    int i = (r * _size) + j;
                    dx[i] = g * (outputGradient[i] - meanDelta - (xn[i] * meanDeltaXn));
                }
            }
            else
            {
                for (int r = 0; r < batch; r++)
                {
                    int i = (r * _size) + j;
                    dx[i] = g * outputGradient[i];
                }
            }
        }

        return computeInputGradient ? InputGradientBuffer(batch * _size) : ReadOnlyMemory<T>.Empty;
    }
}
