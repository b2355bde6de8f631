using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Pipeline;

/// <summary>
/// An exponential moving average of the weights (Polyak averaging with decay), to evaluate with instead
/// of the raw weights: θ̄ ← θ (first update), then θ̄ ← θ̄ + (1 − β)(θ − θ̄), as PyTorch's
/// <c>AveragedModel</c> with <c>get_ema_multi_avg_fn(β)</c> (which lerps exactly this way).
/// <see cref="SwapIn"/> puts the average into the parameters for evaluation; <see cref="SwapOut"/> restores
/// the training weights (or use <c>using (average.Apply()) { … }</c>).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class WeightAverage<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] _parameters;
    private readonly T[][] _average;

    /// <summary>Creates the average (empty until the first <see cref="Update"/>).</summary>
    /// <param name="parameters">The parameters to average.</param>
    /// <param name="decay">β, the weight of the past; in [0, 1).</param>
    public WeightAverage(IEnumerable<Parameter<T>> parameters, double decay = 0.999)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Guard.UnitInterval(decay, nameof(decay));
        _parameters = [.. parameters];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in _parameters)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parameters));
            if (!names.Add(p.Name))
            {
                throw new ArgumentException($"Parameter '{p.Name}' appears more than once.", nameof(parameters));
            }
        }

        _average = Array.ConvertAll(_parameters, p => new T[p.Length]);
        Decay = decay;
    }

    /// <summary>β, the weight of the past.</summary>
    public double Decay { get; }

    /// <summary>Number of updates so far.</summary>
    public long UpdateCount { get; private set; }

    /// <summary>Whether the parameters currently hold the average (between <see cref="SwapIn"/> and <see cref="SwapOut"/>).</summary>
    public bool IsSwappedIn { get; private set; }

    /// <summary>The averaged parameters, in order.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <summary>The average of parameter <paramref name="index"/> (while swapped in, the parameter holds it and this holds the training weights).</summary>
    /// <param name="index">The parameter's index.</param>
    /// <returns>The values.</returns>
    public ReadOnlySpan<T> ValuesOf(int index) => _average[index];

    /// <summary>Folds the current weights into the average; call it after each optimizer step.</summary>
    /// <exception cref="InvalidOperationException">The average is swapped in.</exception>
    public void Update()
    {
        ThrowIfSwapped(nameof(Update));
        if (UpdateCount == 0)
        {
            for (int i = 0; i < _parameters.Length; i++)
            {
                _parameters[i].Value.Span.CopyTo(_average[i]);
            }
        }
        else
        {
            T weight = T.CreateTruncating(1 - Decay);
            for (int i = 0; i < _parameters.Length; i++)
            {
                Lerp(_average[i], _parameters[i].Value.Span, weight);
            }
        }

        UpdateCount++;
    }

    /// <summary>Puts the average into the parameters (keeping the training weights aside).</summary>
    /// <exception cref="InvalidOperationException">Already swapped in, or nothing averaged yet.</exception>
    public void SwapIn()
    {
        ThrowIfSwapped(nameof(SwapIn));
        if (UpdateCount == 0)
        {
            throw new InvalidOperationException("The average is empty: call Update() after at least one optimizer step before swapping it in.");
        }

        Swap();
        IsSwappedIn = true;
    }

    /// <summary>Restores the training weights.</summary>
    /// <exception cref="InvalidOperationException">Not swapped in.</exception>
    public void SwapOut()
    {
        if (!IsSwappedIn)
        {
            throw new InvalidOperationException("SwapOut() without SwapIn(): the parameters already hold the training weights.");
        }

        Swap();
        IsSwappedIn = false;
    }

    /// <summary>Swaps the average in until the returned scope is disposed.</summary>
    /// <returns>The scope; dispose it to swap back.</returns>
    public Scope Apply()
    {
        SwapIn();
        return new Scope(this);
    }

    /// <summary>The average's state (for checkpoints): the update count and each parameter's average, by name.</summary>
    /// <returns>A deep copy.</returns>
    /// <exception cref="InvalidOperationException">The average is swapped in.</exception>
    public WeightAverageState<T> SaveState()
    {
        ThrowIfSwapped(nameof(SaveState));
        var values = new Dictionary<string, T[]>(StringComparer.Ordinal);
        for (int i = 0; i < _parameters.Length; i++)
        {
            values[_parameters[i].Name] = (T[])_average[i].Clone();
        }

        return new WeightAverageState<T>(UpdateCount, values);
    }

    /// <summary>Restores a state saved by <see cref="SaveState"/> over parameters with the same names and lengths.</summary>
    /// <param name="state">The state.</param>
    /// <exception cref="ArgumentException">A parameter is missing or has another length; nothing changes.</exception>
    public void LoadState(WeightAverageState<T> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ThrowIfSwapped(nameof(LoadState));
        if (state.UpdateCount < 0)
        {
            throw new ArgumentException($"The state's UpdateCount must be ≥ 0; got {state.UpdateCount}.", nameof(state));
        }

        foreach (var p in _parameters)
        {
            if (!state.Values.TryGetValue(p.Name, out var v) || v.Length != p.Length)
            {
                throw new ArgumentException($"The state has no average of length {p.Length} for parameter '{p.Name}'.", nameof(state));
            }
        }

        for (int i = 0; i < _parameters.Length; i++)
        {
            state.Values[_parameters[i].Name].CopyTo(_average[i], 0);
        }

        UpdateCount = state.UpdateCount;
    }

    /// <summary>a ← a + w(b − a), the lerp PyTorch's foreach_lerp_ computes for w &lt; 0.5; for w ≥ 0.5 it uses b − (b − a)(1 − w), which is more accurate there.</summary>
    private static void Lerp(Span<T> a, ReadOnlySpan<T> b, T w) => Elementwise.Run(new LerpKernel(w), a, b, KernelPath.Auto);

    private readonly struct LerpKernel(T w) : IUpdate0<T>
    {
        private readonly bool _small = w < T.CreateTruncating(0.5);
        private readonly T _keep = T.One - w;

        public T Scalar(T a, T b) => _small ? a + (w * (b - a)) : b - ((b - a) * _keep);

        public TV Simd<TV>(TV a, TV b)
            where TV : unmanaged, ISimdVector<TV, T> =>
            _small ? a + (TV.Create(w) * (b - a)) : b - ((b - a) * TV.Create(_keep));
    }

    private void Swap()
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            Span<T> p = _parameters[i].Value.Span;
            Span<T> a = _average[i];
            for (int j = 0; j < p.Length; j++)
            {
                (p[j], a[j]) = (a[j], p[j]);
            }
        }
    }

    private void ThrowIfSwapped(string operation)
    {
        if (IsSwappedIn)
        {
            throw new InvalidOperationException($"{operation}() while the average is swapped in: call SwapOut() (or dispose the Apply() scope) first.");
        }
    }

    /// <summary>Swaps the training weights back when disposed.</summary>
    public readonly struct Scope : IDisposable, IEquatable<Scope>
    {
        private readonly WeightAverage<T>? _owner;

        internal Scope(WeightAverage<T> owner) => _owner = owner;

        /// <summary>Compares two scopes.</summary>
        /// <param name="left">One.</param>
        /// <param name="right">The other.</param>
        /// <returns>True when they belong to the same average.</returns>
        public static bool operator ==(Scope left, Scope right) => left.Equals(right);

        /// <summary>Compares two scopes.</summary>
        /// <param name="left">One.</param>
        /// <param name="right">The other.</param>
        /// <returns>True when they belong to different averages.</returns>
        public static bool operator !=(Scope left, Scope right) => !left.Equals(right);

        /// <summary>Restores the training weights.</summary>
        public void Dispose()
        {
            if (_owner is { IsSwappedIn: true })
            {
                _owner.SwapOut();
            }
        }

        /// <inheritdoc/>
        public bool Equals(Scope other) => ReferenceEquals(_owner, other._owner);

        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is Scope other && Equals(other);

        /// <inheritdoc/>
        public override int GetHashCode() => _owner?.GetHashCode() ?? 0;
    }
}

/// <summary>A saved <see cref="WeightAverage{T}"/>.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="UpdateCount">Updates so far.</param>
/// <param name="Values">Each parameter's average, by name.</param>
public sealed record WeightAverageState<T>(long UpdateCount, IReadOnlyDictionary<string, T[]> Values)
    where T : unmanaged, IFloatingPointIeee754<T>;
