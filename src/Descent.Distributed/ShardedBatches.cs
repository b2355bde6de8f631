using System.Numerics;
using Descent.Data;

namespace Descent.Distributed;

/// <summary>
/// This rank's rows of every global batch: every rank draws the same global batch from the same seeded source (so the
/// random streams stay in step, and the run does not depend on the number of ranks), and keeps only its
/// <see cref="BatchShard"/> of it.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class ShardedBatches<T> : IBatchSource<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IBatchSource<T> _global;
    private readonly TensorDataset<T> _data;
    private readonly int _rank;
    private readonly int _size;
    private MiniBatch<T>? _batch;

    /// <summary>Creates the source of rank <paramref name="rank"/> of <paramref name="size"/>.</summary>
    /// <param name="global">The global batches, identical on every rank (same data, same seed).</param>
    /// <param name="data">The data set <paramref name="global"/> draws from (the shard's rows are copied from it by index).</param>
    /// <param name="rank">This rank.</param>
    /// <param name="size">The number of ranks.</param>
    public ShardedBatches(IBatchSource<T> global, TensorDataset<T> data, int rank, int size)
    {
        ArgumentNullException.ThrowIfNull(global);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, size);
        _global = global;
        _data = data;
        _rank = rank;
        _size = size;
    }

    /// <summary>The slice of the batch handed out last (which rows of the global batch, and its share of the mean).</summary>
    public BatchShard Current { get; private set; }

    /// <inheritdoc/>
    public MiniBatch<T> Next()
    {
        var global = _global.Next();
        var shard = BatchShard.For(_rank, _size, global.Count);
        // The first batch is full-size, so its largest slice (⌈B/N⌉ rows) bounds every later one.
        _batch ??= new MiniBatch<T>((global.Count + _size - 1) / _size, global.FeatureCount, global.ClassCount, global.OneHotLabels.Length > 0);
        global.Indices.Span.Slice(shard.Start, shard.Count).CopyTo(_batch.IndexBuffer);
        _batch.Fill(_data, shard.Count);
        Current = shard;
        return _batch;
    }
}
