using System.Numerics;

namespace Descent.Optimizers;

/// <summary>
/// An optimizer whose step re-evaluates the objective (PyTorch's <c>step(closure)</c>), such as
/// <see cref="Lbfgs{T}"/>: it cannot update from one set of gradients, so it is not an <see cref="IOptimizer{T}"/>.
/// Training loops call <see cref="Step"/> with a closure that recomputes the loss on the same data.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IClosureOptimizer<T> : IScheduledOptimizer
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Runs one step, calling <paramref name="closure"/> as often as the method needs.</summary>
    /// <param name="closure">Recomputes the loss at the current parameter values, overwrites the parameters' gradients and returns the loss.</param>
    /// <returns>The loss at the parameters the step started from.</returns>
    double Step(Func<double> closure);

    /// <summary>A deep copy of the state.</summary>
    /// <returns>The snapshot.</returns>
    OptimizerState<T> SaveState();

    /// <summary>Restores a snapshot from <see cref="SaveState"/>; on error nothing changes.</summary>
    /// <param name="state">The snapshot.</param>
    void LoadState(OptimizerState<T> state);
}

/// <summary>Options that build their closure-driven optimizer, in either precision (the closure counterpart of <see cref="IOptimizerFactory"/>).</summary>
public interface IClosureOptimizerFactory
{
    /// <summary>Builds the optimizer these options configure over <paramref name="parameters"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The parameters.</param>
    /// <returns>The optimizer.</returns>
    IClosureOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T>;
}
