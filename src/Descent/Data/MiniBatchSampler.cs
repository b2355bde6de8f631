using System.Numerics;
using Descent.Randomness;

namespace Descent.Data;

/// <summary>How a <see cref="MiniBatchSampler{T}"/> picks the examples of each batch.</summary>
public enum BatchOrder
{
    /// <summary>
    /// Each batch is drawn independently, with replacement: the book's
    /// <c>np.random.choice(train_size, batch_size)</c>. There are no epochs.
    /// </summary>
    WithReplacement,

    /// <summary>Each epoch visits every example once, in a fresh random order.</summary>
    ShuffledEpochs,

    /// <summary>Each epoch visits every example once, in dataset order (evaluation).</summary>
    Sequential,
}

/// <summary>Which label encoding a <see cref="MiniBatch{T}"/> carries besides the integer labels.</summary>
public enum LabelEncoding
{
    /// <summary>Integer class labels only.</summary>
    ClassIndex,

    /// <summary>Integer labels and one-hot rows <c>[batch, classes]</c> (the book's <c>one_hot_label=True</c>).</summary>
    OneHot,
}

/// <summary>
/// Draws seeded mini-batches from a <see cref="TensorDataset{T}"/>, into buffers allocated once:
/// after construction <see cref="Next"/> allocates nothing.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class MiniBatchSampler<T>
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

/// <summary>A <see cref="MiniBatchSampler{T}"/>'s position, for checkpoints.</summary>
/// <param name="Epoch">Epochs started.</param>
/// <param name="Cursor">Examples of the current epoch already handed out.</param>
/// <param name="Order">The current epoch's example order (empty when drawing with replacement).</param>
public sealed record BatchSamplerState(int Epoch, int Cursor, IReadOnlyList<int> Order);

/// <summary>One mini-batch: row-major features <c>[Count, FeatureCount]</c>, labels and the example indices they came from.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class MiniBatch<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _features;
    private readonly int[] _labels;
    private readonly int[] _indices;
    private readonly T[] _oneHot;

    internal MiniBatch(int capacity, int featureCount, int classCount, bool oneHot)
    {
        FeatureCount = featureCount;
        ClassCount = classCount;
        _features = new T[(long)capacity * featureCount];
        _labels = new int[capacity];
        _indices = new int[capacity];
        _oneHot = oneHot ? new T[(long)capacity * classCount] : [];
    }

    /// <summary>Examples in this batch (the batch size, or fewer for the last batch of an epoch).</summary>
    public int Count { get; private set; }

    /// <summary>Features per example.</summary>
    public int FeatureCount { get; }

    /// <summary>The number of classes (the width of <see cref="OneHotLabels"/>).</summary>
    public int ClassCount { get; }

    /// <summary>The features, row-major <c>[Count, FeatureCount]</c>.</summary>
    public Memory<T> Features => _features.AsMemory(0, Count * FeatureCount);

    /// <summary>The integer labels.</summary>
    public ReadOnlyMemory<int> Labels => _labels.AsMemory(0, Count);

    /// <summary>One-hot labels <c>[Count, ClassCount]</c>; empty unless the sampler was asked for <see cref="LabelEncoding.OneHot"/>.</summary>
    public Memory<T> OneHotLabels => _oneHot.Length == 0 ? Memory<T>.Empty : _oneHot.AsMemory(0, Count * ClassCount);

    /// <summary>The dataset indices of the examples, in batch order.</summary>
    public ReadOnlyMemory<int> Indices => _indices.AsMemory(0, Count);

    internal Span<int> IndexBuffer => _indices;

    internal void Fill(TensorDataset<T> data, int count)
    {
        Count = count;
        int width = FeatureCount;
        ReadOnlySpan<T> source = data.Features;
        if (_oneHot.Length != 0)
        {
            _oneHot.AsSpan(0, count * ClassCount).Clear();
        }

        for (int i = 0; i < count; i++)
        {
            int example = _indices[i];
            source.Slice(example * width, width).CopyTo(_features.AsSpan(i * width, width));
            int label = data.Labels[example];
            _labels[i] = label;
            if (_oneHot.Length != 0)
            {
                _oneHot[(i * ClassCount) + label] = T.One;
            }
        }
    }
}
