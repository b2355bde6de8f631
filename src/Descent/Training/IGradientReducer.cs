using System.Numerics;
using Descent.NeuralNetworks;

namespace Descent.Training;

/// <summary>
/// Combines the gradients of one step across workers, between backpropagation and the update pipeline
/// (a data-parallel all-reduce, say). The single-process loop uses <see cref="LocalGradients{T}"/>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IGradientReducer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Replaces the gradients in <paramref name="parameters"/> with the combined ones.</summary>
    /// <param name="parameters">The network's flat buffers; <see cref="FlatParameters{T}.Gradients"/> holds this worker's gradients.</param>
    void Reduce(FlatParameters<T> parameters);
}

/// <summary>One process, nothing to combine: the gradients stay as backpropagation left them.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class LocalGradients<T> : IGradientReducer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The shared instance.</summary>
    public static LocalGradients<T> Instance { get; } = new();

    /// <inheritdoc/>
    public void Reduce(FlatParameters<T> parameters)
    {
    }
}
