using System.Numerics;
using System.Runtime.Intrinsics.X86;
using Descent.Randomness;

namespace Descent.Data;

/// <summary>
/// Examples ready for a network: features <c>[Count, FeatureCount]</c> in row-major order and one
/// integer class label per example. The features are an array of <typeparamref name="T"/>, or 8-bit values (pixels)
/// kept as bytes and mapped through a 256-entry table as each batch is gathered (<see cref="FromBytes"/>): a quarter
/// (float) or an eighth (double) of the memory, the same numbers.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class TensorDataset<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _exampleShape;
    private readonly byte[]? _bytes;
    private readonly T[]? _table;
    private T[]? _features;

    /// <summary>Creates a dataset over existing arrays (not copied).</summary>
    /// <param name="features">The features, row-major <c>[labels.Length, product(exampleShape)]</c>.</param>
    /// <param name="labels">One class label per example, each in <c>[0, classCount)</c>.</param>
    /// <param name="exampleShape">The logical shape of one example, e.g. <c>[784]</c> or <c>[1, 28, 28]</c>.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <exception cref="ArgumentException">The lengths or shape do not match, or a label is out of range.</exception>
    public TensorDataset(T[] features, int[] labels, int[] exampleShape, int classCount)
        : this(features?.LongLength ?? throw new ArgumentNullException(nameof(features)), labels, exampleShape, classCount)
    {
        _features = features;
    }

    private TensorDataset(byte[] bytes, T[] table, int[] labels, int[] exampleShape, int classCount)
        : this(bytes.LongLength, labels, exampleShape, classCount)
    {
        _bytes = bytes;
        _table = table;
    }

    private TensorDataset(long features, int[] labels, int[] exampleShape, int classCount)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(exampleShape);
        Guard.PositiveInt(classCount, nameof(classCount));
        long perExample = 1;
        foreach (int d in exampleShape)
        {
            Guard.PositiveInt(d, nameof(exampleShape));
            perExample *= d;
        }

        if (exampleShape.Length == 0 || perExample > int.MaxValue || perExample * labels.Length != features)
        {
            throw new ArgumentException(
                $"{labels.Length} examples of shape [{string.Join(", ", exampleShape)}] need {perExample * labels.Length} features; got {features}.",
                nameof(features));
        }

        int bad = Array.FindIndex(labels, l => (uint)l >= (uint)classCount);
        if (bad >= 0)
        {
            throw new ArgumentException($"Label {labels[bad]} at index {bad} is outside [0, {classCount}).", nameof(labels));
        }

        Labels = labels;
        _exampleShape = (int[])exampleShape.Clone();
        FeatureCount = (int)perExample;
        ClassCount = classCount;
    }

    /// <summary>
    /// Creates a dataset over 8-bit values (e.g. pixels), each mapped through <paramref name="table"/> when an example is
    /// copied out (<see cref="CopyExamples"/>, mini-batches): the values stay bytes in memory.
    /// </summary>
    /// <param name="values">The values, row-major <c>[labels.Length, product(exampleShape)]</c>; not copied.</param>
    /// <param name="table">What each byte value means: 256 entries, <c>table[v]</c> for value v (copied).</param>
    /// <param name="labels">One class label per example, each in <c>[0, classCount)</c>.</param>
    /// <param name="exampleShape">The logical shape of one example.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentException">The table does not have 256 entries, the lengths or shape do not match, or a label is out of range.</exception>
    public static TensorDataset<T> FromBytes(byte[] values, ReadOnlySpan<T> table, int[] labels, int[] exampleShape, int classCount)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (table.Length != 256)
        {
            throw new ArgumentException($"The table maps every byte value, so it needs 256 entries; got {table.Length}.", nameof(table));
        }

        return new TensorDataset<T>(values, table.ToArray(), labels, exampleShape, classCount);
    }

    /// <summary>
    /// The features, row-major <c>[Count, FeatureCount]</c>. A dataset made <see cref="FromBytes"/> builds this array
    /// on first use and keeps it; <see cref="CopyExamples"/> reads examples without it.
    /// </summary>
    public T[] Features => _features ??= Expand(_bytes!, _table!);

    /// <summary>Whether the features are kept as bytes mapped through a table (<see cref="FromBytes"/>).</summary>
    public bool IsByteBacked => _bytes is not null;

    /// <summary>The class labels, one per example.</summary>
    public int[] Labels { get; }

    /// <summary>The number of examples.</summary>
    public int Count => Labels.Length;

    /// <summary>Features per example.</summary>
    public int FeatureCount { get; }

    /// <summary>The number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>The logical shape of one example.</summary>
    public ReadOnlySpan<int> ExampleShape => _exampleShape;

    /// <summary>The whole dataset's shape: <c>[Count, ..ExampleShape]</c>.</summary>
    public int[] Shape => [Count, .. _exampleShape];

    /// <summary>The features of one example.</summary>
    /// <param name="index">The example index.</param>
    /// <returns>Its <see cref="FeatureCount"/> features.</returns>
    public ReadOnlySpan<T> Example(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Features.AsSpan(index * FeatureCount, FeatureCount);
    }

    /// <summary>Copies consecutive examples' features into <paramref name="destination"/>; allocates nothing.</summary>
    /// <param name="start">The first example.</param>
    /// <param name="count">How many.</param>
    /// <param name="destination">At least <c>count · FeatureCount</c> values.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the dataset.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public void CopyExamples(int start, int count, Span<T> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count - start);
        int length = count * FeatureCount;
        if (destination.Length < length)
        {
            throw new ArgumentException($"{count} examples need {length} values; the destination holds {destination.Length}.", nameof(destination));
        }

        CopyRun(start * FeatureCount, destination[..length]);
    }

    /// <summary>Copies one example's features without bounds checks beyond the spans' own.</summary>
    internal void CopyExample(int index, Span<T> destination) => CopyRun(index * FeatureCount, destination[..FeatureCount]);

    private void CopyRun(int offset, Span<T> destination)
    {
        if (_bytes is null)
        {
            _features.AsSpan(offset, destination.Length).CopyTo(destination);
            return;
        }

        Lookup(_bytes.AsSpan(offset, destination.Length), _table, destination);
    }

    /// <summary>
    /// <c>destination[i] = table[source[i]]</c> for a 256-entry table. A mini-batch of MNIST is 100,352 lookups per
    /// iteration, about a twentieth of the book network's step when done one bounds-checked element at a time, so it
    /// gathers eight (float) or four (double) entries per instruction where AVX2 is there; a gather copies the table's
    /// values, so the result is the same either way.
    /// </summary>
    internal static unsafe void Lookup(ReadOnlySpan<byte> source, ReadOnlySpan<T> table, Span<T> destination)
    {
        if (table.Length != 256 || destination.Length < source.Length)
        {
            throw new ArgumentException($"Lookup needs a 256-entry table and room for {source.Length} values; got {table.Length} and {destination.Length}.");
        }

        int n = source.Length;
        int i = 0;
        fixed (byte* s = source)
        fixed (T* t = table)
        fixed (T* d = destination)
        {
            if (Avx2.IsSupported && typeof(T) == typeof(float))
            {
                for (; i <= n - 8; i += 8)
                {
                    Avx.Store((float*)d + i, Avx2.GatherVector256((float*)t, Avx2.ConvertToVector256Int32(s + i), 4));
                }
            }
            else if (Avx2.IsSupported && typeof(T) == typeof(double))
            {
                for (; i <= n - 4; i += 4)
                {
                    Avx.Store((double*)d + i, Avx2.GatherVector256((double*)t, Sse41.ConvertToVector128Int32(s + i), 8));
                }
            }

            // Bytes index a 256-entry table, so no element needs a bounds check.
            for (; i < n; i++)
            {
                d[i] = t[s[i]];
            }
        }
    }

    private static T[] Expand(byte[] bytes, T[] table)
    {
        var features = new T[bytes.LongLength];
        const int Chunk = 1 << 30;
        for (long start = 0; start < bytes.LongLength; start += Chunk)
        {
            int length = (int)Math.Min(Chunk, bytes.LongLength - start);
            Lookup(bytes.AsSpan((int)start, length), table, features.AsSpan((int)start, length));
        }

        return features;
    }

    /// <summary>The labels as one-hot rows (the book's <c>one_hot_label=True</c>).</summary>
    /// <returns>Row-major <c>[Count, ClassCount]</c>: 1 in each row's label column, 0 elsewhere.</returns>
    public T[] OneHotLabels()
    {
        var result = new T[(long)Count * ClassCount];
        for (int i = 0; i < Count; i++)
        {
            result[(i * ClassCount) + Labels[i]] = T.One;
        }

        return result;
    }

    /// <summary>The examples at the given indices, in that order, copied.</summary>
    /// <param name="indices">Example indices; repeats allowed.</param>
    /// <returns>The subset.</returns>
    public TensorDataset<T> Subset(ReadOnlySpan<int> indices)
    {
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int source = indices[i];
            ArgumentOutOfRangeException.ThrowIfNegative(source, nameof(indices));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(source, Count, nameof(indices));
            labels[i] = Labels[source];
        }

        return _bytes is null
            ? new TensorDataset<T>(Gather(_features!, indices), labels, _exampleShape, ClassCount)
            : new TensorDataset<T>(Gather(_bytes, indices), _table!, labels, _exampleShape, ClassCount);
    }

    private TElement[] Gather<TElement>(TElement[] source, ReadOnlySpan<int> indices)
    {
        var gathered = new TElement[(long)indices.Length * FeatureCount];
        for (int i = 0; i < indices.Length; i++)
        {
            source.AsSpan(indices[i] * FeatureCount, FeatureCount).CopyTo(gathered.AsSpan(i * FeatureCount));
        }

        return gathered;
    }

    /// <summary>A contiguous range of examples, copied.</summary>
    /// <param name="start">The first example.</param>
    /// <param name="count">How many.</param>
    /// <returns>The range.</returns>
    public TensorDataset<T> Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count - start);
        int[] labels = Labels.AsSpan(start, count).ToArray();
        return _bytes is null
            ? new TensorDataset<T>(_features.AsSpan(start * FeatureCount, count * FeatureCount).ToArray(), labels, _exampleShape, ClassCount)
            : new TensorDataset<T>(_bytes.AsSpan(start * FeatureCount, count * FeatureCount).ToArray(), _table!, labels, _exampleShape, ClassCount);
    }

    /// <summary>Holds out examples for validation.</summary>
    /// <param name="validationCount">How many examples to hold out, in <c>[0, Count]</c>.</param>
    /// <param name="shuffle">
    /// Null: the last <paramref name="validationCount"/> examples are held out (Keras's
    /// <c>validation_split</c>). Otherwise a random permutation drawn from it decides.
    /// </param>
    /// <returns>The remaining training examples and the held-out ones, each in their original relative order when not shuffled.</returns>
    public (TensorDataset<T> Train, TensorDataset<T> Validation) SplitValidation(int validationCount, IRandomSource? shuffle = null)
    {
        if (validationCount < 0 || validationCount > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(validationCount), validationCount, $"validationCount must be in [0, {Count}] (the dataset's size); got {validationCount}.");
        }

        if (shuffle is null)
        {
            return (Slice(0, Count - validationCount), Slice(Count - validationCount, validationCount));
        }

        int[] order = RandomPermutation.Create(shuffle, Count);
        return (Subset(order.AsSpan(0, Count - validationCount)), Subset(order.AsSpan(Count - validationCount)));
    }
}
