using System.Numerics;
using System.Runtime.InteropServices;
using Descent.Optimizers;

namespace Descent.Distributed;

/// <summary>How much memory an optimizer's state takes in this process.</summary>
public static class OptimizerMemory
{
    /// <summary>
    /// Bytes of the state tensors this process holds, counted from the optimizer's saved state (for a
    /// <see cref="ZeroRedundancyOptimizer{T}"/>, this rank's shard only).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="optimizer">The optimizer.</param>
    /// <returns>The bytes.</returns>
    public static long StateBytes<T>(IOptimizer<T> optimizer)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (optimizer is ZeroRedundancyOptimizer<T> sharded)
        {
            optimizer = sharded.Shard;
        }

        long elements = 0;
        foreach (var p in optimizer.SaveState().Parameters.Values)
        {
            foreach (var buffer in p.Buffers.Values)
            {
                elements += buffer.Length;
            }
        }

        return elements * Marshal.SizeOf<T>();
    }
}
