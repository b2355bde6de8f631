using System.Numerics;

namespace Descent.Optimizers;

/// <summary>
/// A saved optimizer state (PyTorch's <c>state_dict</c>): each group's options and parameter names,
/// and per parameter its step count, state tensors and scalars, keyed by parameter name.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="Optimizer">The optimizer's type name.</param>
/// <param name="Groups">The parameter groups, in order.</param>
/// <param name="Parameters">State per parameter name.</param>
public sealed record OptimizerState<T>(
    string Optimizer,
    IReadOnlyList<GroupSnapshot> Groups,
    IReadOnlyDictionary<string, ParameterSnapshot<T>> Parameters)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>One saved parameter group.</summary>
/// <param name="Options">The group's options when saved (including a scheduled learning rate).</param>
/// <param name="ParameterNames">The group's parameter names, in order.</param>
public sealed record GroupSnapshot(OptimizerOptions Options, IReadOnlyList<string> ParameterNames);

/// <summary>One parameter's saved state.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="Step">Steps taken.</param>
/// <param name="Buffers">State tensors by PyTorch's key (<c>exp_avg</c>, <c>momentum_buffer</c>, …).</param>
/// <param name="Scalars">Scalar state by PyTorch's key (<c>mu_product</c>, <c>eta</c>, …).</param>
public sealed record ParameterSnapshot<T>(
    long Step,
    IReadOnlyDictionary<string, T[]> Buffers,
    IReadOnlyDictionary<string, double> Scalars)
    where T : unmanaged, IFloatingPointIeee754<T>;
