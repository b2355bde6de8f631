using System.Numerics;
using Descent.NeuralNetworks;
using Descent.Training;

namespace Descent.Distributed;

/// <summary>
/// The training loop's gradient hook for data-parallel training: turns this rank's mean gradient over its slice of the
/// batch into the mean over the global batch, on every rank (<see cref="DataParallel.AllReduceGradients{T}"/>).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="parallel">The ranks.</param>
/// <param name="batches">This rank's batches; their <see cref="ShardedBatches{T}.Current"/> slice weighs the gradient.</param>
public sealed class MpiGradientReducer<T>(DataParallel parallel, ShardedBatches<T> batches) : IGradientReducer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public void Reduce(FlatParameters<T> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parallel.AllReduceGradients<T>(parameters.Gradients, batches.Current);
    }
}
