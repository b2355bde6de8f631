using System.Numerics;
using Descent.Randomness;

namespace Descent.Data;

/// <summary>
/// Draws seeded mini-batches from a <see cref="TensorDataset{T}"/>, into buffers allocated once:
/// after construction <see cref="Next"/> allocates nothing.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class MiniBatchSampler<T> : IBatchSource<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly TensorDataset<T> _data;
    private readonly IRandomSource _random;
    private readonly MiniBatch<T> _batch;
    private readonly int[] _order;
    private int _cursor;

    /// <summary>Creates a sampler.</summary>
    /// <param name="data">The examples.</param>
    /// <param name="batchSize">Examples per batch, in <c>[1, data.Count]</c>.</param>
    /// <param name="order">How examples are picked.</param>
    /// <param name="random">The random source (ignored for <see cref="BatchOrder.Sequential"/>), e.g. <c>new SeededRandom(seed)</c>, or a NumPy-compatible <see cref="MersenneTwister"/> to draw the book's batches.</param>
    /// <param name="labels">Whether batches also carry one-hot labels.</param>
    /// <param name="dropLast">For epochs: skip the last batch when it would be smaller than <paramref name="batchSize"/>.</param>
    public MiniBatchSampler(TensorDataset<T> data, int batchSize, BatchOrder order, IRandomSource random, LabelEncoding labels = LabelEncoding.ClassIndex, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(random);
        if (!Enum.IsDefined(order))
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, $"Unknown batch order; allowed: {string.Join(", ", Enum.GetNames<BatchOrder>())}.");
        }

        if (!Enum.IsDefined(labels))
        {
            throw new ArgumentOutOfRangeException(nameof(labels), labels, $"Unknown label encoding; allowed: {string.Join(", ", Enum.GetNames<LabelEncoding>())}.");
        }

        if (batchSize < 1 || batchSize > data.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be in [1, {data.Count}] (the dataset's size); got {batchSize}.");
        }

        _data = data;
        _random = random;
        BatchSize = batchSize;
        Order = order;
        DropLast = dropLast;
        _batch = new MiniBatch<T>(batchSize, data.FeatureCount, data.ClassCount, labels == LabelEncoding.OneHot);
        _order = order == BatchOrder.WithReplacement ? [] : new int[data.Count];
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        // At the end of a (virtual) epoch 0, so the first Next() starts epoch 1.
        _cursor = _order.Length;
    }

    /// <summary>Examples per full batch.</summary>
    public int BatchSize { get; }

    /// <summary>How examples are picked.</summary>
    public BatchOrder Order { get; }

    /// <summary>Whether a short last batch of an epoch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>Epochs started so far (always 0 for <see cref="BatchOrder.WithReplacement"/>).</summary>
    public int Epoch { get; private set; }

    /// <summary>Batches per epoch (for <see cref="BatchOrder.WithReplacement"/>, the batches that make up one dataset's worth of examples, rounded up).</summary>
    public int BatchesPerEpoch => DropLast ? _data.Count / BatchSize : (_data.Count + BatchSize - 1) / BatchSize;

    /// <summary>Fills and returns the next batch.</summary>
    /// <returns>The batch; its buffers are reused, so its contents are valid until the next call.</returns>
    public MiniBatch<T> Next()
    {
        Span<int> indices = _batch.IndexBuffer;
        int count;
        if (Order == BatchOrder.WithReplacement)
        {
            count = BatchSize;
            // One draw per example, in order: what np.random.choice(train_size, batch_size) consumes.
            for (int i = 0; i < count; i++)
            {
                indices[i] = _random.NextInt(_data.Count);
            }

        }
        else
        {
            int remaining = _order.Length - _cursor;
            if (remaining == 0 || (DropLast && remaining < BatchSize))
            {
                StartEpoch();
                remaining = _order.Length;
            }

            count = Math.Min(BatchSize, remaining);
            _order.AsSpan(_cursor, count).CopyTo(indices);
            _cursor += count;
        }

        _batch.Fill(_data, count);
        return _batch;
    }

    /// <summary>
    /// The sampler's position (epoch, place in the epoch and its order), so a checkpoint can resume the
    /// exact batch sequence. The random source's state is saved separately, by its owner.
    /// </summary>
    /// <returns>A copy of the position.</returns>
    public BatchSamplerState SaveState() => new(Epoch, _cursor, (int[])_order.Clone());

    /// <summary>Restores a position written by <see cref="SaveState"/> of a sampler over the same dataset.</summary>
    /// <param name="state">The saved position.</param>
    /// <exception cref="ArgumentException">The state does not fit this sampler's dataset or order.</exception>
    public void LoadState(BatchSamplerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        int[] order = [.. state.Order];
        bool valid = order.Length == _order.Length && state.Epoch >= 0 && state.Cursor >= 0 && state.Cursor <= order.Length;
        if (valid && order.Length > 0)
        {
            var seen = new bool[order.Length];
            foreach (int i in order)
            {
                valid &= (uint)i < (uint)order.Length && !seen[i];
                if (!valid)
                {
                    break;
                }

                seen[i] = true;
            }
        }

        if (!valid)
        {
            throw new ArgumentException(
                $"The saved sampler state (epoch {state.Epoch}, position {state.Cursor}, order of {order.Length}) does not fit a {Order} sampler over {_data.Count} examples.",
                nameof(state));
        }

        order.CopyTo(_order, 0);
        _cursor = state.Cursor;
        Epoch = state.Epoch;
    }

    private void StartEpoch()
    {
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        if (Order == BatchOrder.ShuffledEpochs)
        {
            RandomPermutation.Shuffle(_random, _order);
        }

        _cursor = 0;
        Epoch++;
    }
}
