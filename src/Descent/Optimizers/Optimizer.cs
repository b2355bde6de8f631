using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// What a <see cref="Schedules.LearningRateScheduler"/> drives: the parameter groups of any optimizer, gradient- or
/// closure-driven.
/// </summary>
public interface IScheduledOptimizer
{
    /// <summary>The parameter groups, in the order they were added.</summary>
    IReadOnlyList<IParameterGroup> ParameterGroups { get; }
}

/// <summary>What schedules, pipelines and the lab see of any optimizer.</summary>
public interface IOptimizer : IScheduledOptimizer
{
    /// <summary>Applies one update to every parameter from its current gradient.</summary>
    void Step();

    /// <summary>Sets every gradient buffer to zero.</summary>
    void ZeroGrad();
}

/// <summary>An optimizer over <typeparamref name="T"/> parameters, whatever its options type (what the catalog returns).</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IOptimizer<T> : IOptimizer
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The options of the first group and the default of groups added later.</summary>
    OptimizerOptions DefaultOptions { get; }

    /// <summary>Adds a group with its own options, which must be of this optimizer's options type.</summary>
    /// <param name="parameters">The parameters; their names must not be in the optimizer yet.</param>
    /// <param name="options">The group's options; <see langword="null"/> means <see cref="DefaultOptions"/>.</param>
    /// <returns>The new group.</returns>
    IParameterGroup AddGroup(IEnumerable<Parameter<T>> parameters, OptimizerOptions? options);

    /// <summary>A deep copy of the state, keyed by parameter name.</summary>
    /// <returns>The snapshot.</returns>
    OptimizerState<T> SaveState();

    /// <summary>Restores a snapshot from <see cref="SaveState"/>.</summary>
    /// <param name="state">The snapshot.</param>
    void LoadState(OptimizerState<T> state);
}

/// <summary>
/// Base of every optimizer: parameter groups, named state, save and load. Derived classes write only
/// the per-group update (<see cref="UpdateGroup"/>), following PyTorch's split
/// between bookkeeping (here) and the math (a kernel per optimizer).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TOptions">The optimizer's options record.</typeparam>
public abstract class Optimizer<T, TOptions> : IOptimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TOptions : OptimizerOptions
{
    private readonly List<ParameterGroup<T, TOptions>> _groups = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Creates the optimizer with one group holding <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters to update; names must be unique.</param>
    /// <param name="defaults">Options for this group and the defaults for groups added later.</param>
    protected Optimizer(IEnumerable<Parameter<T>> parameters, TOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        defaults.Validate();
        Defaults = defaults;
        if (parameters is not null)
        {
            AddGroup(parameters);
        }
    }

    /// <summary>The options a group gets when <see cref="AddGroup"/> is given none.</summary>
    public TOptions Defaults { get; }

    /// <summary>The parameter groups, in order.</summary>
    public IReadOnlyList<ParameterGroup<T, TOptions>> Groups => _groups;

    /// <inheritdoc/>
    public IReadOnlyList<IParameterGroup> ParameterGroups => _groups;

    /// <inheritdoc/>
    OptimizerOptions IOptimizer<T>.DefaultOptions => Defaults;

    /// <summary>Which loop the element-wise kernels use; tests pin the scalar reference or one vector width.</summary>
    internal KernelPath KernelPath { get; set; }

    /// <summary>Adds a group of parameters with its own options (default: <see cref="Defaults"/>).</summary>
    /// <param name="parameters">The parameters; their names must not be in the optimizer yet.</param>
    /// <param name="options">The group's options, typically <c>Defaults with { ... }</c>.</param>
    /// <returns>The new group.</returns>
    public ParameterGroup<T, TOptions> AddGroup(IEnumerable<Parameter<T>> parameters, TOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameter<T>[] array = [.. parameters];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in array)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parameters));
            if (_names.Contains(p.Name) || !seen.Add(p.Name))
            {
                throw new ArgumentException($"Parameter '{p.Name}' appears more than once; parameter names must be unique.", nameof(parameters));
            }
        }

        var group = new ParameterGroup<T, TOptions>(array, options ?? Defaults);
        ValidateGroup(group);
        _names.UnionWith(seen);
        _groups.Add(group);
        return group;
    }

    /// <inheritdoc/>
    IParameterGroup IOptimizer<T>.AddGroup(IEnumerable<Parameter<T>> parameters, OptimizerOptions? options) =>
        AddGroup(parameters, options is null ? null : options as TOptions ?? throw new ArgumentException(
            $"{GetType().Name} takes {typeof(TOptions).Name}; got {options.GetType().Name}.", nameof(options)));

    /// <inheritdoc/>
    public virtual void Step()
    {
        foreach (var group in _groups)
        {
            group.StepCount++;
            UpdateGroup(group);
        }
    }

    /// <inheritdoc/>
    public void ZeroGrad()
    {
        foreach (var group in _groups)
        {
            foreach (var run in group.Runs)
            {
                run.Gradient.Span.Clear();
            }
        }
    }

    /// <summary>Updates one group; <see cref="ParameterGroup{T, TOptions}.StepCount"/> already counts this step.</summary>
    /// <param name="group">The group to update.</param>
    protected abstract void UpdateGroup(ParameterGroup<T, TOptions> group);

    /// <summary>Checks that a new group suits this optimizer (e.g. L-BFGS allows one group).</summary>
    /// <param name="group">The group about to be added.</param>
    protected virtual void ValidateGroup(ParameterGroup<T, TOptions> group)
    {
    }

    /// <summary>
    /// Returns the named state buffer of <paramref name="group"/>, creating it filled with
    /// <paramref name="initial"/> and laid out like the parameters when missing.
    /// </summary>
    /// <param name="group">The group.</param>
    /// <param name="name">PyTorch's state key, e.g. <c>"exp_avg"</c>.</param>
    /// <param name="initial">Value of a fresh buffer.</param>
    /// <returns>The flat buffer, indexed like the group's runs.</returns>
    protected static T[] State(ParameterGroup<T, TOptions> group, string name, T initial = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (!group.State.TryGetValue(name, out var buffer))
        {
            var data = new T[group.TotalLength];
            if (initial != T.Zero)
            {
                data.AsSpan().Fill(initial);
            }

            int[] lengths = new int[group.Parameters.Count];
            for (int i = 0; i < lengths.Length; i++)
            {
                lengths[i] = group.Parameters[i].Length;
            }

            buffer = new StateBuffer<T>(data, group.Offsets, lengths);
            group.State.Add(name, buffer);
        }

        return buffer.Data;
    }

    /// <summary>
    /// Returns the named state buffer of <paramref name="group"/> with one slice per parameter of the given
    /// lengths (for optimizers whose state is not shaped like the parameters, such as Adafactor).
    /// </summary>
    /// <param name="group">The group.</param>
    /// <param name="name">PyTorch's state key.</param>
    /// <param name="lengths">Length of each parameter's slice.</param>
    /// <param name="parameterIndex">Which parameter's slice to return.</param>
    /// <returns>That parameter's slice.</returns>
    protected static Span<T> State(ParameterGroup<T, TOptions> group, string name, Func<Parameter<T>, int> lengths, int parameterIndex)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(lengths);
        if (!group.State.TryGetValue(name, out var buffer))
        {
            int count = group.Parameters.Count;
            int[] offsets = new int[count];
            int[] sizes = new int[count];
            int total = 0;
            for (int i = 0; i < count; i++)
            {
                offsets[i] = total;
                sizes[i] = lengths(group.Parameters[i]);
                total = checked(total + sizes[i]);
            }

            buffer = new StateBuffer<T>(new T[total], offsets, sizes);
            group.State.Add(name, buffer);
        }

        return buffer.Slice(parameterIndex);
    }

    /// <summary>
    /// Returns the named state buffer of <paramref name="group"/>, created as a copy of the parameters' values when missing
    /// (the starting point that MADGRAD's θ₀, Prodigy's θ₀ and Schedule-Free's z keep).
    /// </summary>
    /// <param name="group">The group.</param>
    /// <param name="name">The state key, e.g. <c>"x0"</c>.</param>
    /// <returns>The flat buffer, indexed like the group's runs.</returns>
    protected static T[] StateFromParameters(ParameterGroup<T, TOptions> group, string name)
    {
        bool fresh = !HasState(group, name);
        T[] buffer = State(group, name);
        if (fresh)
        {
            foreach (var run in group.Runs)
            {
                run.Value.Span.CopyTo(run.Of(buffer));
            }
        }

        return buffer;
    }

    /// <summary>
    /// Finds the group holding a parameter and that parameter's slice of one of the group's state buffers, for reading
    /// the state between steps (diagnostics); false when the name is not this optimizer's or the buffer does not exist yet.
    /// </summary>
    /// <param name="parameterName">The parameter's name.</param>
    /// <param name="stateName">The state key, e.g. <c>"exp_avg_sq"</c>; null: pick it from the group (<paramref name="pick"/>).</param>
    /// <param name="group">The parameter's group.</param>
    /// <param name="slice">The parameter's slice of the buffer.</param>
    /// <param name="pick">Chooses the state key from the group's options when <paramref name="stateName"/> is null.</param>
    /// <returns>Whether both were found.</returns>
    protected bool TryGetParameterState(
        string parameterName, string? stateName, out ParameterGroup<T, TOptions> group, out Span<T> slice, Func<TOptions, string>? pick = null)
    {
        ArgumentNullException.ThrowIfNull(parameterName);
        foreach (var g in _groups)
        {
            for (int i = 0; i < g.Parameters.Count; i++)
            {
                if (string.Equals(g.ParameterNames[i], parameterName, StringComparison.Ordinal))
                {
                    group = g;
                    string key = stateName ?? pick?.Invoke(g.Options) ?? throw new ArgumentNullException(nameof(stateName));
                    bool found = g.State.TryGetValue(key, out var buffer) && g.StepCount > 0;
                    slice = found ? buffer!.Slice(i) : default;
                    return found;
                }
            }
        }

        group = null!;
        slice = default;
        return false;
    }

    /// <summary>
    /// Runs an element-wise kernel over the group, one contiguous run of parameters at a time, with each state buffer
    /// sliced as the run (the loop of every element-wise optimizer).
    /// </summary>
    /// <param name="group">The group.</param>
    /// <param name="kernel">The step's kernel.</param>
    private protected void RunKernel<TKernel>(ParameterGroup<T, TOptions> group, TKernel kernel)
        where TKernel : struct, IUpdate0<T>
    {
        foreach (var run in group.Runs)
        {
            Elementwise.Run(kernel, run.Value.Span, run.Gradient.Span, KernelPath);
        }
    }

    private protected void RunKernel<TKernel>(ParameterGroup<T, TOptions> group, TKernel kernel, T[] a)
        where TKernel : struct, IUpdate1<T>
    {
        foreach (var run in group.Runs)
        {
            Elementwise.Run(kernel, run.Value.Span, run.Gradient.Span, run.Of(a), KernelPath);
        }
    }

    private protected void RunKernel<TKernel>(ParameterGroup<T, TOptions> group, TKernel kernel, T[] a, T[] b)
        where TKernel : struct, IUpdate2<T>
    {
        foreach (var run in group.Runs)
        {
            Elementwise.Run(kernel, run.Value.Span, run.Gradient.Span, run.Of(a), run.Of(b), KernelPath);
        }
    }

    private protected void RunKernel<TKernel>(ParameterGroup<T, TOptions> group, TKernel kernel, T[] a, T[] b, T[] c)
        where TKernel : struct, IUpdate3<T>
    {
        foreach (var run in group.Runs)
        {
            Elementwise.Run(kernel, run.Value.Span, run.Gradient.Span, run.Of(a), run.Of(b), run.Of(c), KernelPath);
        }
    }

    private protected void RunKernel<TKernel>(ParameterGroup<T, TOptions> group, TKernel kernel, T[] a, T[] b, T[] c, T[] d)
        where TKernel : struct, IUpdate4<T>
    {
        foreach (var run in group.Runs)
        {
            Elementwise.Run(kernel, run.Value.Span, run.Gradient.Span, run.Of(a), run.Of(b), run.Of(c), run.Of(d), KernelPath);
        }
    }

    /// <summary>θ ← f(θ, a, b) over the group, run by run, with a and b only read.</summary>
    /// <param name="group">The group.</param>
    /// <param name="kernel">The pass's kernel.</param>
    /// <param name="a">The first state buffer read.</param>
    /// <param name="b">The second state buffer read.</param>
    private protected void ApplyKernel<TKernel>(ParameterGroup<T, TOptions> group, TKernel kernel, T[] a, T[] b)
        where TKernel : struct, IApply2<T>
    {
        foreach (var run in group.Runs)
        {
            Elementwise.Apply(kernel, run.Value.Span, run.Of(a), run.Of(b), KernelPath);
        }
    }

    /// <summary>
    /// <see cref="IEffectiveStepSize{T}.TryWriteEffectiveStep"/> for the methods that divide by the root of one
    /// accumulator: rate / (√s / rootCorrection + ε) from the parameter's slice of the state buffer s.
    /// </summary>
    /// <param name="parameterName">The parameter's name.</param>
    /// <param name="destination">One element per parameter element.</param>
    /// <param name="stateName">The accumulator's state key; null: pick it from the group (<paramref name="pick"/>).</param>
    /// <param name="factors">The rate, the root's correction and ε of the group's last step.</param>
    /// <param name="pick">Chooses the state key from the group's options when <paramref name="stateName"/> is null.</param>
    /// <returns>False when the parameter is not this optimizer's or has no state yet.</returns>
    protected bool TryWriteEffectiveStep(
        string parameterName,
        Span<T> destination,
        string? stateName,
        Func<ParameterGroup<T, TOptions>, (double Rate, double RootCorrection, double Epsilon)> factors,
        Func<TOptions, string>? pick = null)
    {
        ArgumentNullException.ThrowIfNull(factors);
        if (!TryGetParameterState(parameterName, stateName, out var group, out var accumulator, pick))
        {
            return false;
        }

        var (rate, rootCorrection, eps) = factors(group);
        EffectiveSteps.Write<T>(accumulator, destination, rate, rootCorrection, eps);
        return true;
    }

    /// <summary>Whether <paramref name="group"/> already has the named state buffer (PyTorch's "buffer is None" test).</summary>
    /// <param name="group">The group.</param>
    /// <param name="name">PyTorch's state key.</param>
    /// <returns><see langword="true"/> when the buffer exists.</returns>
    protected static bool HasState(ParameterGroup<T, TOptions> group, string name)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.State.ContainsKey(name);
    }

    /// <summary>Group-wide scalar state (stored per parameter in saved state, as PyTorch does).</summary>
    /// <param name="group">The group.</param>
    /// <param name="name">PyTorch's state key, e.g. <c>"mu_product"</c>.</param>
    /// <param name="initial">Value when missing.</param>
    /// <returns>The current value.</returns>
    protected static double Scalar(ParameterGroup<T, TOptions> group, string name, double initial)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.Scalars.TryGetValue(name, out double value) ? value : initial;
    }

    /// <summary>Sets group-wide scalar state.</summary>
    /// <param name="group">The group.</param>
    /// <param name="name">PyTorch's state key.</param>
    /// <param name="value">The new value.</param>
    protected static void SetScalar(ParameterGroup<T, TOptions> group, string name, double value)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.Scalars[name] = value;
    }

    /// <summary>
    /// A deep copy of the optimizer's state keyed by parameter name, with each group's options, so that
    /// loading it into freshly built objects and continuing gives bit-identical results.
    /// </summary>
    /// <returns>The snapshot.</returns>
    public virtual OptimizerState<T> SaveState()
    {
        var groups = new List<GroupSnapshot>();
        var parameters = new Dictionary<string, ParameterSnapshot<T>>(StringComparer.Ordinal);
        foreach (var group in _groups)
        {
            groups.Add(new GroupSnapshot(group.Options.Snapshot(), [.. group.ParameterNames]));
            for (int i = 0; i < group.Parameters.Count; i++)
            {
                var buffers = new Dictionary<string, T[]>(StringComparer.Ordinal);
                foreach (var (name, buffer) in group.State)
                {
                    buffers[name] = buffer.Slice(i).ToArray();
                }

                parameters[group.ParameterNames[i]] = new ParameterSnapshot<T>(
                    group.StepCount, buffers, new Dictionary<string, double>(group.Scalars, StringComparer.Ordinal));
            }
        }

        return new OptimizerState<T>(GetType().Name, groups, parameters);
    }

    /// <summary>
    /// Restores state saved by <see cref="SaveState"/> from an optimizer of the same type over parameters
    /// with the same names, groups and lengths. Everything is checked before anything changes: on error
    /// the optimizer is left as it was.
    /// </summary>
    /// <param name="state">The snapshot.</param>
    /// <exception cref="ArgumentException">The snapshot does not fit this optimizer; the message says how.</exception>
    public virtual void LoadState(OptimizerState<T> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Optimizer != GetType().Name)
        {
            throw new ArgumentException($"The state was saved by {state.Optimizer}; this optimizer is {GetType().Name}.", nameof(state));
        }

        if (state.Groups.Count != _groups.Count)
        {
            throw new ArgumentException($"The state has {state.Groups.Count} parameter group(s); this optimizer has {_groups.Count}.", nameof(state));
        }

        var options = new TOptions[_groups.Count];
        for (int g = 0; g < _groups.Count; g++)
        {
            var group = _groups[g];
            var saved = state.Groups[g];
            if (!saved.ParameterNames.SequenceEqual(group.ParameterNames, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"Group {g} holds [{string.Join(", ", group.ParameterNames)}] but the state's group {g} holds [{string.Join(", ", saved.ParameterNames)}].",
                    nameof(state));
            }

            options[g] = saved.Options as TOptions ?? throw new ArgumentException(
                $"Group {g}'s options are {saved.Options.GetType().Name}; expected {typeof(TOptions).Name}.", nameof(state));
            options[g].Validate();
            ValidateSavedGroup(group, g, options[g], state);
        }

        // Everything fits: now build the new state, then swap it in.
        for (int g = 0; g < _groups.Count; g++)
        {
            var group = _groups[g];
            var fresh = new Dictionary<string, StateBuffer<T>>(StringComparer.Ordinal);
            if (group.Parameters.Count > 0)
            {
                var first = state.Parameters[group.ParameterNames[0]];
                foreach (string key in first.Buffers.Keys)
                {
                    fresh[key] = Restore(group, state, key);
                }

                group.Scalars.Clear();
                foreach (var (key, value) in first.Scalars)
                {
                    group.Scalars[key] = value;
                }

                group.StepCount = first.Step;
            }

            group.State.Clear();
            foreach (var (key, buffer) in fresh)
            {
                group.State[key] = buffer;
            }

            group.Options = options[g];
        }
    }

    /// <summary>
    /// Checks one group's saved state against its parameters: step ≥ 0 and equal across the group, finite
    /// buffers and non-NaN scalars, and exactly the keys and lengths this optimizer itself creates after that
    /// many steps (found by running the update on a scratch copy of the group), so that a buffer of the wrong
    /// length or a misspelt key is refused instead of failing or silently restarting later.
    /// </summary>
    private void ValidateSavedGroup(ParameterGroup<T, TOptions> group, int g, TOptions options, OptimizerState<T> state)
    {
        long steps = -1;
        string[]? keys = null;
        foreach (string name in group.ParameterNames)
        {
            if (!state.Parameters.TryGetValue(name, out var p))
            {
                throw new ArgumentException($"The state has no entry for parameter '{name}'.", nameof(state));
            }

            if (p.Step < 0)
            {
                throw new ArgumentException($"Parameter '{name}': the saved step is {p.Step}; a step count is ≥ 0.", nameof(state));
            }

            if (steps >= 0 && p.Step != steps)
            {
                throw new ArgumentException($"Parameter '{name}' has step {p.Step} but the rest of group {g} has {steps}.", nameof(state));
            }

            steps = p.Step;
            var names = p.Buffers.Keys.Order(StringComparer.Ordinal).ToArray();
            if (keys is not null && !keys.SequenceEqual(names, StringComparer.Ordinal))
            {
                throw new ArgumentException($"Parameter '{name}' has state [{string.Join(", ", names)}] unlike the rest of group {g}.", nameof(state));
            }

            keys = names;
            foreach (var (key, values) in p.Buffers)
            {
                int bad = Array.FindIndex(values, v => !T.IsFinite(v));
                if (bad >= 0)
                {
                    throw new ArgumentException($"Parameter '{name}', state '{key}': element {bad} is {values[bad]}; saved state must be finite.", nameof(state));
                }
            }

            foreach (var (key, value) in p.Scalars)
            {
                if (double.IsNaN(value))
                {
                    throw new ArgumentException($"Parameter '{name}', scalar state '{key}' is NaN.", nameof(state));
                }
            }
        }

        if (group.Parameters.Count == 0 || !TryExpectedState(group, options, steps, out var expected, out var expectedScalars))
        {
            return;
        }

        var first = state.Parameters[group.ParameterNames[0]];
        if ((KeyMismatch(first.Buffers.Keys, expected.Keys, group.ParameterNames[0], "state", steps)
            ?? KeyMismatch(first.Scalars.Keys, expectedScalars, group.ParameterNames[0], "scalar state", steps)) is { } mismatch)
        {
            throw new ArgumentException(mismatch, nameof(state));
        }
        for (int i = 0; i < group.Parameters.Count; i++)
        {
            string name = group.ParameterNames[i];
            foreach (var (key, values) in state.Parameters[name].Buffers)
            {
                int length = expected[key][i];
                if (values.Length != length)
                {
                    throw new ArgumentException(
                        $"Parameter '{name}', state '{key}': {values.Length} values; this optimizer keeps {length} for it (the parameter has {group.Parameters[i].Length}).",
                        nameof(state));
                }
            }
        }
    }

    private static string? KeyMismatch(IEnumerable<string> saved, IEnumerable<string> expected, string parameter, string what, long steps)
    {
        var missing = expected.Except(saved, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var unknown = saved.Except(expected, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return missing.Count == 0 && unknown.Count == 0 ? null
            : $"Parameter '{parameter}': after {steps} step(s) this optimizer keeps {what} [{string.Join(", ", expected.Order(StringComparer.Ordinal))}]; "
              + $"the saved state lacks [{string.Join(", ", missing)}] and has unknown [{string.Join(", ", unknown)}].";
    }

    /// <summary>
    /// The state keys (with each parameter's buffer length) and scalar keys this optimizer creates for the
    /// group in <paramref name="steps"/> steps (at most two are run: keys appear on the first step), from the
    /// update run on zero-valued scratch copies of the parameters. False when the scratch update fails.
    /// </summary>
    private bool TryExpectedState(ParameterGroup<T, TOptions> group, TOptions options, long steps, out Dictionary<string, int[]> buffers, out HashSet<string> scalars)
    {
        buffers = new Dictionary<string, int[]>(StringComparer.Ordinal);
        scalars = new HashSet<string>(StringComparer.Ordinal);
        var scratch = new Parameter<T>[group.Parameters.Count];
        for (int i = 0; i < scratch.Length; i++)
        {
            var p = group.Parameters[i];
            scratch[i] = new Parameter<T>(p.Name, new T[p.Length], [.. p.Shape]);
            scratch[i].Gradient.Span.Fill(T.CreateTruncating(1e-3));
        }

        var trial = new ParameterGroup<T, TOptions>(scratch, options);
        try
        {
            for (long s = 0; s < Math.Min(steps, 2); s++)
            {
                trial.StepCount++;
                UpdateGroup(trial);
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException)
        {
            return false;
        }

        foreach (var (key, buffer) in trial.State)
        {
            buffers[key] = [.. Enumerable.Range(0, scratch.Length).Select(i => buffer.Slice(i).Length)];
        }

        scalars.UnionWith(trial.Scalars.Keys);
        return true;
    }

    private static StateBuffer<T> Restore(ParameterGroup<T, TOptions> group, OptimizerState<T> state, string key)
    {
        int count = group.Parameters.Count;
        int[] offsets = new int[count];
        int[] lengths = new int[count];
        int total = 0;
        for (int i = 0; i < count; i++)
        {
            offsets[i] = total;
            lengths[i] = state.Parameters[group.ParameterNames[i]].Buffers[key].Length;
            total = checked(total + lengths[i]);
        }

        var data = new T[total];
        for (int i = 0; i < count; i++)
        {
            state.Parameters[group.ParameterNames[i]].Buffers[key].CopyTo(data.AsSpan(offsets[i]));
        }

        return new StateBuffer<T>(data, offsets, lengths);
    }
}
