using System.Globalization;
using System.Numerics;

namespace Descent.Optimizers;

/// <summary>The line search of <see cref="Lbfgs{T}"/> (PyTorch's <c>line_search_fn</c>).</summary>
public enum LbfgsLineSearch
{
    /// <summary>A fixed step of the learning rate (PyTorch's <c>None</c>).</summary>
    None,

    /// <summary>A line search satisfying the strong Wolfe conditions (PyTorch's <c>"strong_wolfe"</c>).</summary>
    StrongWolfe,
}

/// <summary>Options of <see cref="Lbfgs{T}"/>, with PyTorch's names (in .NET casing) and defaults.</summary>
public sealed record LbfgsOptions : OptimizerOptions, IClosureOptimizerFactory
{
    /// <inheritdoc/>
    public IClosureOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new Lbfgs<T>(parameters, this);

    /// <summary>Creates the options with PyTorch's defaults (<c>lr = 1</c>).</summary>
    public LbfgsOptions() => LearningRate = 1;

    /// <summary>Most iterations per <see cref="Lbfgs{T}.Step(Func{double})"/> (PyTorch <c>max_iter</c>). Must be ≥ 1.</summary>
    public int MaxIterations { get; init; } = 20;

    /// <summary>
    /// Most closure evaluations per step (PyTorch <c>max_eval</c>); <see langword="null"/> means
    /// ⌊1.25 · <see cref="MaxIterations"/>⌋ as in PyTorch. Must be ≥ 1.
    /// </summary>
    public int? MaxEvaluations { get; init; }

    /// <summary>Stop when every gradient component is at most this in magnitude (PyTorch <c>tolerance_grad</c>). Must be ≥ 0.</summary>
    public double ToleranceGrad { get; init; } = 1e-7;

    /// <summary>Stop when the step or the loss changes by less than this (PyTorch <c>tolerance_change</c>). Must be ≥ 0.</summary>
    public double ToleranceChange { get; init; } = 1e-9;

    /// <summary>Number of (s, y) pairs kept for the inverse-Hessian estimate (PyTorch <c>history_size</c>). Must be ≥ 1.</summary>
    public int HistorySize { get; init; } = 100;

    /// <summary>The line search (PyTorch <c>line_search_fn</c>).</summary>
    public LbfgsLineSearch LineSearch { get; init; } = LbfgsLineSearch.None;

    /// <summary>The evaluation budget per step: <see cref="MaxEvaluations"/> or its default.</summary>
    public int EffectiveMaxEvaluations => MaxEvaluations ?? (int)Math.Min(int.MaxValue, (long)MaxIterations * 5 / 4);

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Guard.PositiveInt(MaxIterations, nameof(MaxIterations));
        if (MaxEvaluations is int maxEvaluations)
        {
            Guard.PositiveInt(maxEvaluations, nameof(MaxEvaluations));
        }

        Guard.NonNegative(ToleranceGrad, nameof(ToleranceGrad));
        Guard.NonNegative(ToleranceChange, nameof(ToleranceChange));
        Guard.PositiveInt(HistorySize, nameof(HistorySize));
        if (!Enum.IsDefined(LineSearch))
        {
            throw new ArgumentOutOfRangeException(nameof(LineSearch), LineSearch,
                $"{nameof(LineSearch)} must be {nameof(LbfgsLineSearch.None)} or {nameof(LbfgsLineSearch.StrongWolfe)}; got {(int)LineSearch}.");
        }
    }
}

/// <summary>
/// Limited-memory BFGS exactly as PyTorch's <c>torch.optim.LBFGS</c> (after Schmidt's minFunc; Nocedal and
/// Wright, <i>Numerical Optimization</i>, algorithm 7.4), with its optional strong-Wolfe line search ported
/// from Torch7's <c>lswolfe.lua</c> and <c>polyinterp.lua</c>. One <see cref="Step(Func{double})"/> runs up to
/// <see cref="LbfgsOptions.MaxIterations"/> iterations, calling the closure to re-evaluate the loss and
/// the gradients; it returns the loss at the start, as PyTorch does.
/// </summary>
/// <remarks>
/// As in PyTorch: one parameter group only, and all parameters are treated as one flat vector in group order.
/// Vectors are kept in <typeparamref name="T"/>; dot products and the scalars derived from them (ρ, α, γ, the
/// step t) are computed in <see cref="double"/>, which is PyTorch's arithmetic for float64 and slightly more
/// accurate than its float32 0-d tensors for <see cref="float"/>.
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Lbfgs<T> : IClosureOptimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ParameterGroup<T, LbfgsOptions> _group;
    private readonly StrongWolfeLineSearch<T> _lineSearch = new();
    private readonly Func<double, T[], double> _evaluateAlongDirection;

    // The curvature pairs, oldest first; arrays are recycled once the history is full.
    private readonly List<T[]> _oldDirections = [];
    private readonly List<T[]> _oldSteps = [];
    private readonly List<double> _rho = [];
    private readonly Stack<T[]> _spare = [];
    private double[] _alpha = [];

    private T[]? _direction;
    private T[]? _previousGradient;
    private double _t;
    private double _hessianDiagonal = 1;
    private double _previousLoss;
    private long _iterations;
    private long _evaluations;

    // Scratch: the current flat gradient and the start point of a line search; the closure of the running step.
    private T[]? _gradient;
    private T[]? _start;
    private Func<double>? _closure;

    /// <summary>Creates L-BFGS over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters, optimized as one flat vector (PyTorch's LBFGS has a single group).</param>
    /// <param name="options">Options; default PyTorch's.</param>
    /// <exception cref="ArgumentException">No parameters, or two with the same name.</exception>
    public Lbfgs(IEnumerable<Parameter<T>> parameters, LbfgsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameter<T>[] list = [.. parameters];
        if (list.Length == 0)
        {
            throw new ArgumentException("L-BFGS needs at least one parameter.", nameof(parameters));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in list)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parameters));
            if (!names.Add(p.Name))
            {
                throw new ArgumentException($"Parameter '{p.Name}' appears more than once; parameter names must be unique.", nameof(parameters));
            }
        }

        _group = new ParameterGroup<T, LbfgsOptions>(list, options ?? new LbfgsOptions());
        ParameterGroups = [_group];
        _evaluateAlongDirection = EvaluateAlongDirection;
    }

    /// <summary>The single parameter group (options, step count, names).</summary>
    public ParameterGroup<T, LbfgsOptions> Group => _group;

    /// <inheritdoc/>
    public IReadOnlyList<IParameterGroup> ParameterGroups { get; }

    /// <summary>Total closure evaluations over all steps (PyTorch's <c>state["func_evals"]</c>).</summary>
    public long FunctionEvaluations => _evaluations;

    /// <summary>Total iterations over all steps (PyTorch's <c>state["n_iter"]</c>).</summary>
    public long Iterations => _iterations;

    /// <summary>
    /// Runs one L-BFGS step: up to <see cref="LbfgsOptions.MaxIterations"/> iterations and
    /// <see cref="LbfgsOptions.EffectiveMaxEvaluations"/> closure calls.
    /// </summary>
    /// <param name="closure">Recomputes the loss at the current parameter values, writes the gradients into the
    /// parameters' gradient buffers (overwriting them) and returns the loss.</param>
    /// <returns>The loss at the parameters the step started from (the closure's first result).</returns>
    public double Step(Func<double> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        _closure = closure;
        try
        {
            return Iterate(closure);
        }
        finally
        {
            _closure = null;
        }
    }

    private double Iterate(Func<double> closure)
    {
        var group = _group;
        var o = group.Options;
        group.StepCount++;
        int n = group.TotalLength;
        var gradient = _gradient ??= new T[n];

        double originalLoss = closure();
        double loss = originalLoss;
        int currentEvaluations = 1;
        _evaluations++;
        Gather(group, gradient);
        if (MaxAbs(gradient) <= o.ToleranceGrad)
        {
            return originalLoss;
        }

        if (_alpha.Length < o.HistorySize)
        {
            _alpha = new double[o.HistorySize];
        }

        int maxEvaluations = o.EffectiveMaxEvaluations;
        int iteration = 0;
        while (iteration < o.MaxIterations)
        {
            iteration++;
            _iterations++;
            var d = _direction ??= new T[n];
            if (_iterations == 1)
            {
                for (int i = 0; i < n; i++)
                {
                    d[i] = -gradient[i];
                }

                ClearHistory();
                _hessianDiagonal = 1;
            }
            else
            {
                UpdateHistory(gradient, o.HistorySize);
                TwoLoopRecursion(gradient, d);
            }

            var previous = _previousGradient ??= new T[n];
            gradient.CopyTo(previous, 0);
            _previousLoss = loss;

            // The first iteration ever scales the step so that it moves at most lr in L1 norm.
            _t = _iterations == 1 ? StrongWolfeLineSearch<T>.PyMin(1.0, 1.0 / AbsSum(gradient)) * o.LearningRate : o.LearningRate;
            double gtd = Dot(gradient, d);
            if (gtd > -o.ToleranceChange)
            {
                break;
            }

            int lineSearchEvaluations = 0;
            bool optimal = false;
            if (o.LineSearch == LbfgsLineSearch.StrongWolfe)
            {
                var start = _start ??= new T[n];
                Gather(group, start, gradients: false);
                (loss, _t, lineSearchEvaluations) = _lineSearch.Search(_evaluateAlongDirection, _t, d, loss, gradient, gtd);
                AddScaled(group, _t, d);
                optimal = MaxAbs(gradient) <= o.ToleranceGrad;
            }
            else
            {
                AddScaled(group, _t, d);
                if (iteration != o.MaxIterations)
                {
                    // In the last iteration the new point is not evaluated: the next step starts with it anyway.
                    loss = closure();
                    Gather(group, gradient);
                    optimal = MaxAbs(gradient) <= o.ToleranceGrad;
                    lineSearchEvaluations = 1;
                }
            }

            currentEvaluations += lineSearchEvaluations;
            _evaluations += lineSearchEvaluations;

            if (iteration == o.MaxIterations || currentEvaluations >= maxEvaluations || optimal)
            {
                break;
            }

            if (MaxAbsScaled(d, _t) <= o.ToleranceChange || Math.Abs(loss - _previousLoss) < o.ToleranceChange)
            {
                break;
            }
        }

        return originalLoss;
    }

    /// <summary>
    /// Saves the whole L-BFGS state under the first parameter's name, as PyTorch does: buffers <c>d</c>,
    /// <c>prev_flat_grad</c>, <c>old_dirs</c> and <c>old_stps</c> (the history pairs concatenated, oldest first),
    /// scalars <c>t</c>, <c>H_diag</c>, <c>prev_loss</c>, <c>n_iter</c>, <c>func_evals</c> and <c>ro.0</c>, <c>ro.1</c>, ….
    /// PyTorch's <c>al</c> is scratch overwritten before every read and is not saved.
    /// </summary>
    /// <returns>The snapshot.</returns>
    public OptimizerState<T> SaveState()
    {
        var group = _group;
        var parameters = new Dictionary<string, ParameterSnapshot<T>>(StringComparer.Ordinal);
        var buffers = new Dictionary<string, T[]>(StringComparer.Ordinal);
        var scalars = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["func_evals"] = _evaluations,
            ["n_iter"] = _iterations,
        };
        if (_direction is not null && _previousGradient is not null)
        {
            buffers["d"] = (T[])_direction.Clone();
            buffers["prev_flat_grad"] = (T[])_previousGradient.Clone();
            buffers["old_dirs"] = Concatenate(_oldDirections, group.TotalLength);
            buffers["old_stps"] = Concatenate(_oldSteps, group.TotalLength);
            scalars["t"] = _t;
            scalars["H_diag"] = _hessianDiagonal;
            scalars["prev_loss"] = _previousLoss;
            for (int i = 0; i < _rho.Count; i++)
            {
                scalars[RhoKey(i)] = _rho[i];
            }
        }

        for (int i = 0; i < group.Parameters.Count; i++)
        {
            parameters[group.ParameterNames[i]] = i == 0
                ? new ParameterSnapshot<T>(group.StepCount, buffers, scalars)
                : new ParameterSnapshot<T>(group.StepCount, new Dictionary<string, T[]>(), new Dictionary<string, double>());
        }

        return new OptimizerState<T>(GetType().Name, [new GroupSnapshot(group.Options.Snapshot(), [.. group.ParameterNames])], parameters);
    }

    /// <inheritdoc/>
    public void LoadState(OptimizerState<T> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var group = _group;
        if (state.Optimizer != GetType().Name)
        {
            throw new ArgumentException($"The state was saved by {state.Optimizer}; this optimizer is {GetType().Name}.", nameof(state));
        }

        if (state.Groups.Count != 1 || !state.Groups[0].ParameterNames.SequenceEqual(group.ParameterNames, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"The state's groups do not match this optimizer's single group [{string.Join(", ", group.ParameterNames)}].", nameof(state));
        }

        var options = state.Groups[0].Options as LbfgsOptions ?? throw new ArgumentException(
            $"The state's options are {state.Groups[0].Options.GetType().Name}; expected {nameof(LbfgsOptions)}.", nameof(state));
        options.Validate();
        string first = group.ParameterNames[0];
        if (!state.Parameters.TryGetValue(first, out var saved))
        {
            throw new ArgumentException($"The state has no entry for parameter '{first}', which holds L-BFGS's state.", nameof(state));
        }

        int n = group.TotalLength;
        var b = saved.Buffers;
        var s = saved.Scalars;
        long evaluations = (long)Required(s, "func_evals");
        long iterations = (long)Required(s, "n_iter");
        bool hasHistory = b.ContainsKey("d");
        int count = 0;
        if (hasHistory)
        {
            CheckLength(b, "d", n);
            CheckLength(b, "prev_flat_grad", n);
            while (s.ContainsKey(RhoKey(count)))
            {
                count++;
            }

            CheckLength(b, "old_dirs", count * n);
            CheckLength(b, "old_stps", count * n);
            if (count > options.HistorySize)
            {
                throw new ArgumentException($"The state holds {count} curvature pairs but HistorySize is {options.HistorySize}.", nameof(state));
            }

            _ = Required(s, "t") + Required(s, "H_diag") + Required(s, "prev_loss");
        }

        // Everything fits: replace the state.
        group.Options = options;
        group.StepCount = saved.Step;
        _evaluations = evaluations;
        _iterations = iterations;
        ClearHistory();
        if (hasHistory)
        {
            _direction = (T[])b["d"].Clone();
            _previousGradient = (T[])b["prev_flat_grad"].Clone();
            for (int i = 0; i < count; i++)
            {
                _oldDirections.Add(b["old_dirs"].AsSpan(i * n, n).ToArray());
                _oldSteps.Add(b["old_stps"].AsSpan(i * n, n).ToArray());
                _rho.Add(s[RhoKey(i)]);
            }

            _t = s["t"];
            _hessianDiagonal = s["H_diag"];
            _previousLoss = s["prev_loss"];
        }
        else
        {
            _direction = null;
            _previousGradient = null;
        }

        static double Required(IReadOnlyDictionary<string, double> scalars, string key) =>
            scalars.TryGetValue(key, out double value) ? value : throw new ArgumentException($"The L-BFGS state lacks '{key}'.", nameof(state));

        static void CheckLength(IReadOnlyDictionary<string, T[]> buffers, string key, int length)
        {
            if (!buffers.TryGetValue(key, out var buffer) || buffer.Length != length)
            {
                throw new ArgumentException(
                    $"The L-BFGS state's '{key}' has {(buffer is null ? "no entry" : $"length {buffer.Length}")}; expected length {length}.", nameof(state));
            }
        }
    }

    private static string RhoKey(int i) => "ro." + i.ToString(CultureInfo.InvariantCulture);

    private static T[] Concatenate(List<T[]> vectors, int n)
    {
        var all = new T[vectors.Count * n];
        for (int i = 0; i < vectors.Count; i++)
        {
            vectors[i].CopyTo(all, i * n);
        }

        return all;
    }

    private void ClearHistory()
    {
        foreach (var v in _oldDirections)
        {
            _spare.Push(v);
        }

        foreach (var v in _oldSteps)
        {
            _spare.Push(v);
        }

        _oldDirections.Clear();
        _oldSteps.Clear();
        _rho.Clear();
    }

    // y = g − g_prev, s = t·d; the pair is kept only when yᵀs > 1e-10 (curvature condition).
    private void UpdateHistory(T[] gradient, int historySize)
    {
        var previous = _previousGradient!;
        var d = _direction!;
        T t = T.CreateTruncating(_t);
        double ys = 0;
        double yy = 0;
        for (int i = 0; i < gradient.Length; i++)
        {
            double y = double.CreateTruncating(gradient[i] - previous[i]);
            ys += y * double.CreateTruncating(d[i] * t);
        }

        if (!(ys > 1e-10))
        {
            return;
        }

        T[] newDirection;
        T[] newStep;
        if (_oldDirections.Count >= historySize)
        {
            newDirection = _oldDirections[0];
            newStep = _oldSteps[0];
            _oldDirections.RemoveAt(0);
            _oldSteps.RemoveAt(0);
            _rho.RemoveAt(0);
        }
        else
        {
            newDirection = _spare.Count > 0 ? _spare.Pop() : new T[gradient.Length];
            newStep = _spare.Count > 0 ? _spare.Pop() : new T[gradient.Length];
        }

        for (int i = 0; i < gradient.Length; i++)
        {
            T y = gradient[i] - previous[i];
            newDirection[i] = y;
            newStep[i] = d[i] * t;
            double yd = double.CreateTruncating(y);
            yy += yd * yd;
        }

        _oldDirections.Add(newDirection);
        _oldSteps.Add(newStep);
        _rho.Add(1.0 / ys);
        _hessianDiagonal = ys / yy;
    }

    // Nocedal–Wright's two-loop recursion: d = −H·g with H the L-BFGS inverse-Hessian estimate.
    private void TwoLoopRecursion(T[] gradient, T[] d)
    {
        int count = _oldDirections.Count;
        if (_alpha.Length < count)
        {
            _alpha = new double[count];
        }

        for (int i = 0; i < d.Length; i++)
        {
            d[i] = -gradient[i];
        }

        for (int i = count - 1; i >= 0; i--)
        {
            _alpha[i] = Dot(_oldSteps[i], d) * _rho[i];
            Axpy(-_alpha[i], _oldDirections[i], d);
        }

        T h = T.CreateTruncating(_hessianDiagonal);
        for (int i = 0; i < d.Length; i++)
        {
            d[i] *= h;
        }

        for (int i = 0; i < count; i++)
        {
            double beta = Dot(_oldDirections[i], d) * _rho[i];
            Axpy(_alpha[i] - beta, _oldSteps[i], d);
        }
    }

    // For the line search: sets the parameters to start + t·d, evaluates, gathers the gradient and restores the start point.
    private double EvaluateAlongDirection(double t, T[] gradient)
    {
        AddScaled(_group, t, _direction!);
        double loss = _closure!();
        Gather(_group, gradient);
        Scatter(_group, _start!);
        return loss;
    }

    private static void Gather(ParameterGroup<T, LbfgsOptions> group, T[] flat, bool gradients = true)
    {
        for (int i = 0; i < group.Parameters.Count; i++)
        {
            var p = group.Parameters[i];
            (gradients ? p.Gradient : p.Value).Span.CopyTo(flat.AsSpan(group.Offsets[i], p.Length));
        }
    }

    private static void Scatter(ParameterGroup<T, LbfgsOptions> group, T[] flat)
    {
        for (int i = 0; i < group.Parameters.Count; i++)
        {
            var p = group.Parameters[i];
            flat.AsSpan(group.Offsets[i], p.Length).CopyTo(p.Value.Span);
        }
    }

    // θ ← θ + t·d. PyTorch's CPU add_(d, alpha=t) is one fused multiply-add on x86-64 builds (its vector path is
    // fmadd and its scalar tail is contracted to it), so the step is rounded once, as here; rounding twice
    // changes Rosenbrock trajectories in the 15th digit after one step and in the 1st after five.
    private static void AddScaled(ParameterGroup<T, LbfgsOptions> group, double t, T[] d)
    {
        T step = T.CreateTruncating(t);
        for (int i = 0; i < group.Parameters.Count; i++)
        {
            var p = group.Parameters[i].Value.Span;
            ReadOnlySpan<T> di = d.AsSpan(group.Offsets[i], p.Length);
            for (int j = 0; j < p.Length; j++)
            {
                p[j] = T.FusedMultiplyAdd(step, di[j], p[j]);
            }
        }
    }

    // y ← y + α·x, fused like PyTorch's add_(x, alpha=α) (see AddScaled).
    private static void Axpy(double alpha, T[] x, T[] y)
    {
        T a = T.CreateTruncating(alpha);
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = T.FusedMultiplyAdd(a, x[i], y[i]);
        }
    }

    internal static double Dot(T[] x, T[] y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += double.CreateTruncating(x[i]) * double.CreateTruncating(y[i]);
        }

        return sum;
    }

    internal static double MaxAbs(T[] x)
    {
        double max = 0;
        foreach (T v in x)
        {
            double a = Math.Abs(double.CreateTruncating(v));
            if (double.IsNaN(a))
            {
                return a;
            }

            max = Math.Max(max, a);
        }

        return max;
    }

    private static double MaxAbsScaled(T[] d, double t)
    {
        T step = T.CreateTruncating(t);
        double max = 0;
        foreach (T v in d)
        {
            double a = Math.Abs(double.CreateTruncating(v * step));
            if (double.IsNaN(a))
            {
                return a;
            }

            max = Math.Max(max, a);
        }

        return max;
    }

    private static double AbsSum(T[] x)
    {
        double sum = 0;
        foreach (T v in x)
        {
            sum += Math.Abs(double.CreateTruncating(v));
        }

        return sum;
    }
}
