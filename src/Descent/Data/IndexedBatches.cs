using System.Numerics;

namespace Descent.Data;

/// <summary>
/// Batches of examples chosen in advance: batch <c>k</c> holds the examples
/// <c>indices[k·batchSize .. (k+1)·batchSize)</c>. Several runs given the same index list see the same
/// batches — how the book's comparison trains every optimizer on batches drawn once, before training.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class IndexedBatches<T> : IBatchSource<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly TensorDataset<T> _data;
    private readonly ReadOnlyMemory<int> _indices;
    private readonly MiniBatch<T> _batch;
    private int _next;

    /// <summary>Creates the sequence.</summary>
    /// <param name="data">The examples.</param>
    /// <param name="batchSize">Examples per batch; ≥ 1.</param>
    /// <param name="indices">Example indices, a whole number of batches, each in <c>[0, data.Count)</c>; not copied.</param>
    /// <exception cref="ArgumentException">The indices are not a whole number of batches, or one is out of range.</exception>
    public IndexedBatches(TensorDataset<T> data, int batchSize, ReadOnlyMemory<int> indices)
    {
        ArgumentNullException.ThrowIfNull(data);
        Guard.PositiveInt(batchSize, nameof(batchSize));
        if (indices.Length % batchSize != 0)
        {
            throw new ArgumentException($"{indices.Length} indices are not a whole number of batches of {batchSize}.", nameof(indices));
        }

        int bad = indices.Span.IndexOfAnyExceptInRange(0, data.Count - 1);
        if (bad >= 0)
        {
            throw new ArgumentException($"Index {indices.Span[bad]} at position {bad} is outside [0, {data.Count}).", nameof(indices));
        }

        _data = data;
        _indices = indices;
        BatchSize = batchSize;
        _batch = new MiniBatch<T>(batchSize, data.FeatureCount, data.ClassCount, oneHot: false);
    }

    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Batches in the sequence.</summary>
    public int Count => _indices.Length / BatchSize;

    /// <summary>Batches handed out so far.</summary>
    public int Position => _next;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">Every batch has been handed out.</exception>
    public MiniBatch<T> Next()
    {
        if (_next == Count)
        {
            throw new InvalidOperationException($"All {Count} batches have been handed out.");
        }

        _indices.Span.Slice(_next * BatchSize, BatchSize).CopyTo(_batch.IndexBuffer);
        _next++;
        _batch.Fill(_data, BatchSize);
        return _batch;
    }
}
