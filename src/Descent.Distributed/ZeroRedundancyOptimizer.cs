using System.Numerics;
using System.Runtime.InteropServices;
using Descent.Optimizers;

namespace Descent.Distributed;

/// <summary>
/// ZeRO stage 1 (Rajbhandari et al., 2020; PyTorch's <c>ZeroRedundancyOptimizer</c>): the parameters, laid out as one
/// flat buffer, are cut into N contiguous shards; rank r keeps optimizer state only for shard r and updates only
/// those elements, then an all-gather gives every rank the full updated parameters. State memory per rank drops by N.
/// </summary>
/// <remarks>
/// <para>
/// Every rank must hold the full, already all-reduced gradient (as after <see cref="DataParallel.AllReduceGradients{T}"/>),
/// so clipping by the global norm and the like still see the whole gradient.
/// </para>
/// <para>
/// The result equals the unsharded optimizer's bit for bit because each supported optimizer updates element i
/// from element i of the parameter, gradient and state alone (and its vector kernels equal its scalar body, so
/// where a shard boundary falls does not matter). Optimizers that couple elements — LAMB's and LARS's per-tensor
/// norms, Adafactor's factored moments, L-BFGS's history — are refused.
/// </para>
/// <para>
/// <see cref="SaveState"/> and <see cref="LoadState"/> use the unsharded layout (every shard gathered), so a
/// checkpoint loads with any number of ranks, or into the plain optimizer. Both are collective: every rank calls them.
/// </para>
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class ZeroRedundancyOptimizer<T> : IOptimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly HashSet<Type> ElementWise =
    [
        typeof(Sgd<>), typeof(AdaGrad<>), typeof(RmsProp<>), typeof(Adam<>), typeof(AdamW<>), typeof(NAdam<>), typeof(RAdam<>),
        typeof(Adamax<>), typeof(Adadelta<>), typeof(Rprop<>), typeof(Asgd<>), typeof(Lion<>), typeof(AdaBelief<>), typeof(Yogi<>),
        typeof(Optimizers.Book.BookSgd<>), typeof(Optimizers.Book.BookMomentum<>), typeof(Optimizers.Book.BookNesterov<>),
        typeof(Optimizers.Book.BookAdaGrad<>), typeof(Optimizers.Book.BookRmsProp<>), typeof(Optimizers.Book.BookAdam<>),
    ];

    private readonly MpiCommunicator _communicator;
    private readonly Parameter<T>[] _parameters;
    private readonly int[] _offsets;
    private readonly Memory<T> _values;
    private readonly Memory<T> _gradients;
    private readonly int[] _counts;
    private readonly IOptimizer<T> _shard;
    private readonly int[] _pieceOf;
    private readonly IParameterGroup[] _groups;

    /// <summary>Shards the optimizer state of <paramref name="parameters"/> over the communicator's ranks.</summary>
    /// <param name="parameters">The parameters, adjacent slices of one value array and one gradient array, in order (a network's flat storage).</param>
    /// <param name="create">
    /// Builds the optimizer over this rank's pieces (each keeps its parameter's name, so state keys match the
    /// unsharded optimizer's); it must put them in one group.
    /// </param>
    /// <param name="communicator">The ranks.</param>
    /// <exception cref="ArgumentException">The parameters are not one flat buffer, there are fewer elements than ranks, or the optimizer is not element-wise.</exception>
    public ZeroRedundancyOptimizer(IReadOnlyList<Parameter<T>> parameters, Func<IReadOnlyList<Parameter<T>>, IOptimizer<T>> create, MpiCommunicator communicator)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(create);
        _communicator = communicator ?? throw new ArgumentNullException(nameof(communicator));
        _parameters = [.. parameters];
        (_values, _gradients, _offsets) = FlatLayout(_parameters);
        int size = communicator.Size, rank = communicator.Rank;
        if (_values.Length < size)
        {
            throw new ArgumentException($"{_values.Length} parameter elements cannot be sharded over {size} processes.", nameof(parameters));
        }

        _counts = new int[size];
        for (int r = 0; r < size; r++)
        {
            _counts[r] = (_values.Length / size) + (r < _values.Length % size ? 1 : 0);
        }

        ShardStart = 0;
        for (int r = 0; r < rank; r++)
        {
            ShardStart += _counts[r];
        }

        ShardLength = _counts[rank];
        var pieces = new List<Parameter<T>>();
        var pieceOf = new List<int>();
        for (int i = 0; i < _parameters.Length; i++)
        {
            int start = Math.Max(_offsets[i], ShardStart), end = Math.Min(_offsets[i] + _parameters[i].Length, ShardStart + ShardLength);
            if (start < end)
            {
                pieces.Add(new Parameter<T>(_parameters[i].Name, _values[start..end], _gradients[start..end]));
                pieceOf.Add(i);
            }
        }

        _pieceOf = [.. pieceOf];
        _shard = create(pieces) ?? throw new ArgumentException("The factory returned no optimizer.", nameof(create));
        var type = _shard.GetType();
        if (!type.IsGenericType || !ElementWise.Contains(type.GetGenericTypeDefinition()))
        {
            throw new ArgumentException(
                $"{type.Name.Split('`')[0]} cannot shard its state at arbitrary elements (it couples elements of a tensor or of the whole model); "
                + $"ZeRO-1 supports the element-wise optimizers: {string.Join(", ", ElementWise.Select(t => t.Name.Split('`')[0]))}.",
                nameof(create));
        }

        if (_shard.ParameterGroups.Count != 1 || _shard.ParameterGroups[0].ParameterNames.Count != pieces.Count)
        {
            throw new ArgumentException("The sharded optimizer must hold all of its pieces in one parameter group.", nameof(create));
        }
        _groups = [new WholeGroup(_shard.ParameterGroups[0], [.. _parameters.Select(p => p.Name)])];
    }

    /// <summary>First element of this rank's shard in the flat parameter buffer.</summary>
    public int ShardStart { get; }

    /// <summary>Elements in this rank's shard.</summary>
    public int ShardLength { get; }

    /// <summary>The optimizer over this rank's shard (its groups are the ones schedules adjust).</summary>
    public IOptimizer<T> Shard => _shard;

    /// <summary>
    /// The one group, as the unsharded optimizer's: all parameters' names, with the options, learning rate and step
    /// count of this rank's shard (a schedule sets the rate on every rank alike).
    /// </summary>
    public IReadOnlyList<IParameterGroup> ParameterGroups => _groups;

    /// <inheritdoc/>
    public OptimizerOptions DefaultOptions => _shard.DefaultOptions;

    /// <summary>Updates this rank's shard, then gathers every shard so all ranks hold the full updated parameters.</summary>
    public void Step()
    {
        _shard.Step();
        _communicator.AllGather(_values.Span, _counts);
    }

    /// <inheritdoc/>
    public void ZeroGrad() => _gradients.Span.Clear();

    /// <summary>Not supported: declare groups in the factory given to the constructor, where each rank sees its pieces.</summary>
    /// <param name="parameters">Unused.</param>
    /// <param name="options">Unused.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always.</exception>
    public IParameterGroup AddGroup(IEnumerable<Parameter<T>> parameters, OptimizerOptions? options) =>
        throw new NotSupportedException("A sharded optimizer takes all its parameters at construction; parameters cannot be added later.");

    /// <summary>
    /// The state in the unsharded layout: every rank's shard of every state tensor gathered (collective), keyed by the
    /// full parameters' names, exactly as the plain optimizer over the full parameters would save it.
    /// </summary>
    /// <returns>The snapshot.</returns>
    public OptimizerState<T> SaveState()
    {
        var local = _shard.SaveState();
        var group = local.Groups[0];
        var keys = local.Parameters.Count > 0 ? local.Parameters[group.ParameterNames[0]].Buffers.Keys.Order(StringComparer.Ordinal).ToArray() : [];
        var first = local.Parameters[group.ParameterNames[0]];
        if (!_communicator.Agree(ParameterHash.Of(string.Join('\n', keys).AsSpan())))
        {
            throw new RanksDisagreeException($"The ranks' optimizer shards hold different state tensors; this rank has [{string.Join(", ", keys)}].");
        }

        var gathered = new Dictionary<string, T[]>(StringComparer.Ordinal);
        foreach (string key in keys)
        {
            var flat = new T[_values.Length];
            int at = ShardStart;
            foreach (string name in group.ParameterNames)
            {
                var piece = local.Parameters[name].Buffers[key];
                piece.CopyTo(flat, at);
                at += piece.Length;
            }

            _communicator.AllGather<T>(flat, _counts);
            gathered[key] = flat;
        }

        var parameters = new Dictionary<string, ParameterSnapshot<T>>(StringComparer.Ordinal);
        for (int i = 0; i < _parameters.Length; i++)
        {
            var buffers = new Dictionary<string, T[]>(StringComparer.Ordinal);
            foreach (string key in keys)
            {
                buffers[key] = gathered[key].AsSpan(_offsets[i], _parameters[i].Length).ToArray();
            }

            parameters[_parameters[i].Name] = new ParameterSnapshot<T>(first.Step, buffers, first.Scalars);
        }

        return new OptimizerState<T>(local.Optimizer, [new GroupSnapshot(group.Options.Snapshot(), [.. _parameters.Select(p => p.Name)])], parameters);
    }

    /// <summary>Loads a state in the unsharded layout (from <see cref="SaveState"/> with any number of ranks, or from the plain optimizer), keeping this rank's shard.</summary>
    /// <param name="state">The snapshot.</param>
    /// <exception cref="ArgumentException">The snapshot does not fit these parameters.</exception>
    public void LoadState(OptimizerState<T> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Groups.Count != 1 || !state.Groups[0].ParameterNames.SequenceEqual(_parameters.Select(p => p.Name), StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"The state's groups [{string.Join("; ", state.Groups.Select(g => string.Join(", ", g.ParameterNames)))}] do not match this optimizer's one group [{string.Join(", ", _parameters.Select(p => p.Name))}].",
                nameof(state));
        }

        var pieces = new Dictionary<string, ParameterSnapshot<T>>(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (int i in _pieceOf)
        {
            var parameter = _parameters[i];
            if (!state.Parameters.TryGetValue(parameter.Name, out var saved))
            {
                throw new ArgumentException($"The state has no entry for parameter '{parameter.Name}'.", nameof(state));
            }

            int start = Math.Max(_offsets[i], ShardStart) - _offsets[i];
            int length = Math.Min(_offsets[i] + parameter.Length, ShardStart + ShardLength) - _offsets[i] - start;
            var buffers = new Dictionary<string, T[]>(StringComparer.Ordinal);
            foreach (var (key, buffer) in saved.Buffers)
            {
                if (buffer.Length != parameter.Length)
                {
                    throw new ArgumentException($"State '{key}' of parameter '{parameter.Name}' holds {buffer.Length} elements; the parameter has {parameter.Length}.", nameof(state));
                }

                buffers[key] = buffer.AsSpan(start, length).ToArray();
            }

            pieces[parameter.Name] = new ParameterSnapshot<T>(saved.Step, buffers, saved.Scalars);
            names.Add(parameter.Name);
        }

        _shard.LoadState(new OptimizerState<T>(state.Optimizer, [new GroupSnapshot(state.Groups[0].Options, names)], pieces));
    }

    private static (Memory<T> Values, Memory<T> Gradients, int[] Offsets) FlatLayout(Parameter<T>[] parameters)
    {
        if (parameters.Length == 0)
        {
            throw new ArgumentException("There are no parameters to shard.", nameof(parameters));
        }

        var offsets = new int[parameters.Length];
        if (!MemoryMarshal.TryGetArray<T>(parameters[0].Value, out var values0) || !MemoryMarshal.TryGetArray<T>(parameters[0].Gradient, out var gradients0))
        {
            throw new ArgumentException("ZeRO-1 needs the parameters as slices of one array (a network's flat storage).", nameof(parameters));
        }

        int length = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            offsets[i] = length;
            bool adjacent = MemoryMarshal.TryGetArray<T>(parameters[i].Value, out var v) && MemoryMarshal.TryGetArray<T>(parameters[i].Gradient, out var g)
                && v.Array == values0.Array && g.Array == gradients0.Array
                && v.Offset == values0.Offset + length && g.Offset == gradients0.Offset + length;
            if (!adjacent)
            {
                throw new ArgumentException($"Parameter '{parameters[i].Name}' does not follow the previous one in the same value and gradient arrays; ZeRO-1 needs one flat buffer.", nameof(parameters));
            }

            length = checked(length + parameters[i].Length);
        }

        return (values0.Array.AsMemory(values0.Offset, length), gradients0.Array.AsMemory(gradients0.Offset, length), offsets);
    }

    /// <summary>The shard's group seen with the whole model's parameter names.</summary>
    private sealed class WholeGroup(IParameterGroup shard, IReadOnlyList<string> names) : IParameterGroup
    {
        public OptimizerOptions Options
        {
            get => shard.Options;
            set => shard.Options = value;
        }

        public double LearningRate
        {
            get => shard.LearningRate;
            set => shard.LearningRate = value;
        }

        public double MomentumCoefficient
        {
            get => shard.MomentumCoefficient;
            set => shard.MomentumCoefficient = value;
        }

        public IReadOnlyList<string> ParameterNames => names;

        public long StepCount => shard.StepCount;
    }
}
