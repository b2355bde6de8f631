using System.Numerics;

namespace Descent.Data;

/// <summary>Hands out one mini-batch per training step (<see cref="MiniBatchSampler{T}"/>, <see cref="IndexedBatches{T}"/>).</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IBatchSource<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Fills and returns the next batch.</summary>
    /// <returns>The batch; its buffers may be reused, so its contents are valid until the next call.</returns>
    MiniBatch<T> Next();
}
