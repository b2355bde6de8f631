using System.Numerics;

namespace Descent.Optimizers;

/// <summary>
/// Two optimizers as one: the 2-D parameters (weight matrices) go to the first, every other parameter (biases,
/// normalisation scales and shifts) to the second, as <c>torch.optim.Muon</c>'s documentation asks of its users
/// ("other parameters … should be optimized by a standard method such as AdamW"). Steps, zeroing, groups, learning
/// rates and saved state cover both; the saved state is the two states side by side.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class MatrixSplitOptimizer<T> : IOptimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private IParameterGroup[] _groups = [];

    /// <summary>Splits <paramref name="parameters"/> by rank and builds one optimizer for each part.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="matrices">Builds the optimizer of the 2-D parameters (e.g. Muon).</param>
    /// <param name="rest">Builds the optimizer of the others (e.g. AdamW).</param>
    public MatrixSplitOptimizer(
        IEnumerable<Parameter<T>> parameters,
        Func<IEnumerable<Parameter<T>>, IOptimizer<T>> matrices,
        Func<IEnumerable<Parameter<T>>, IOptimizer<T>> rest)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(matrices);
        ArgumentNullException.ThrowIfNull(rest);
        Parameter<T>[] all = [.. parameters];
        Matrices = matrices([.. all.Where(IsMatrix)]);
        Rest = rest([.. all.Where(p => !IsMatrix(p))]);
        Refresh();
    }

    /// <summary>The optimizer of the 2-D parameters.</summary>
    public IOptimizer<T> Matrices { get; }

    /// <summary>The optimizer of the other parameters.</summary>
    public IOptimizer<T> Rest { get; }

    /// <inheritdoc/>
    public IReadOnlyList<IParameterGroup> ParameterGroups => _groups;

    /// <inheritdoc/>
    public OptimizerOptions DefaultOptions => Matrices.DefaultOptions;

    /// <summary>Whether a parameter goes to <see cref="Matrices"/>.</summary>
    /// <param name="parameter">The parameter.</param>
    /// <returns><see langword="true"/> for a 2-D parameter.</returns>
    public static bool IsMatrix(Parameter<T> parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.Shape.Count == 2;
    }

    /// <inheritdoc/>
    public void Step()
    {
        Matrices.Step();
        Rest.Step();
    }

    /// <inheritdoc/>
    public void ZeroGrad()
    {
        Matrices.ZeroGrad();
        Rest.ZeroGrad();
    }

    /// <summary>
    /// Adds a group: with <paramref name="options"/> of one optimizer's type, to that optimizer (every parameter must
    /// belong there by shape); with none, the matrices to <see cref="Matrices"/> and the rest to <see cref="Rest"/>,
    /// each with its defaults.
    /// </summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns>The group added last.</returns>
    public IParameterGroup AddGroup(IEnumerable<Parameter<T>> parameters, OptimizerOptions? options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameter<T>[] all = [.. parameters];
        IParameterGroup added;
        if (options is null)
        {
            Parameter<T>[] matrices = [.. all.Where(IsMatrix)];
            Parameter<T>[] rest = [.. all.Where(p => !IsMatrix(p))];
            added = matrices.Length > 0 ? Matrices.AddGroup(matrices, null) : Rest.AddGroup(rest, null);
            if (matrices.Length > 0 && rest.Length > 0)
            {
                added = Rest.AddGroup(rest, null);
            }
        }
        else
        {
            bool toMatrices = options.GetType() == Matrices.DefaultOptions.GetType();
            if (all.Any(p => IsMatrix(p) != toMatrices))
            {
                throw new ArgumentException(
                    $"{options.GetType().Name} belongs to the optimizer of the {(toMatrices ? "2-D" : "non-2-D")} parameters, but the group mixes shapes.",
                    nameof(parameters));
            }

            added = (toMatrices ? Matrices : Rest).AddGroup(all, options);
        }

        Refresh();
        return added;
    }

    /// <inheritdoc/>
    public OptimizerState<T> SaveState()
    {
        var first = Matrices.SaveState();
        var second = Rest.SaveState();
        var parameters = new Dictionary<string, ParameterSnapshot<T>>(first.Parameters, StringComparer.Ordinal);
        foreach (var (name, snapshot) in second.Parameters)
        {
            parameters.Add(name, snapshot);
        }

        return new OptimizerState<T>($"{first.Optimizer}+{second.Optimizer}", [.. first.Groups, .. second.Groups], parameters);
    }

    /// <inheritdoc/>
    public void LoadState(OptimizerState<T> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        int split = Matrices.ParameterGroups.Count;
        if (state.Groups.Count != split + Rest.ParameterGroups.Count)
        {
            throw new ArgumentException(
                $"The state has {state.Groups.Count} parameter group(s); this optimizer has {split} + {Rest.ParameterGroups.Count}.", nameof(state));
        }

        int plus = state.Optimizer.IndexOf('+', StringComparison.Ordinal);
        if (plus < 0)
        {
            throw new ArgumentException($"The state was saved by {state.Optimizer}, not by a pair of optimizers.", nameof(state));
        }

        Matrices.LoadState(Part(state, state.Optimizer[..plus], 0, split));
        Rest.LoadState(Part(state, state.Optimizer[(plus + 1)..], split, state.Groups.Count - split));
    }

    private static OptimizerState<T> Part(OptimizerState<T> state, string name, int start, int count)
    {
        var groups = state.Groups.Skip(start).Take(count).ToArray();
        var parameters = new Dictionary<string, ParameterSnapshot<T>>(StringComparer.Ordinal);
        foreach (string parameter in groups.SelectMany(g => g.ParameterNames))
        {
            if (state.Parameters.TryGetValue(parameter, out var snapshot))
            {
                parameters[parameter] = snapshot;
            }
        }

        return new OptimizerState<T>(name, groups, parameters);
    }

    private void Refresh() => _groups = [.. Matrices.ParameterGroups, .. Rest.ParameterGroups];
}
