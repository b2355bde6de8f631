using System.Numerics;
using Descent.Randomness;

namespace Descent.Data;

/// <summary>
/// Examples ready for a network: features <c>[Count, FeatureCount]</c> in row-major order and one
/// integer class label per example.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class TensorDataset<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _exampleShape;

    /// <summary>Creates a dataset over existing arrays (not copied).</summary>
    /// <param name="features">The features, row-major <c>[labels.Length, product(exampleShape)]</c>.</param>
    /// <param name="labels">One class label per example, each in <c>[0, classCount)</c>.</param>
    /// <param name="exampleShape">The logical shape of one example, e.g. <c>[784]</c> or <c>[1, 28, 28]</c>.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <exception cref="ArgumentException">The lengths or shape do not match, or a label is out of range.</exception>
    public TensorDataset(T[] features, int[] labels, int[] exampleShape, int classCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(exampleShape);
        Guard.PositiveInt(classCount, nameof(classCount));
        long perExample = 1;
        foreach (int d in exampleShape)
        {
            Guard.PositiveInt(d, nameof(exampleShape));
            perExample *= d;
        }

        if (exampleShape.Length == 0 || perExample > int.MaxValue || perExample * labels.Length != features.LongLength)
        {
            throw new ArgumentException(
                $"{labels.Length} examples of shape [{string.Join(", ", exampleShape)}] need {perExample * labels.Length} features; got {features.LongLength}.",
                nameof(features));
        }

        int bad = Array.FindIndex(labels, l => (uint)l >= (uint)classCount);
        if (bad >= 0)
        {
            throw new ArgumentException($"Label {labels[bad]} at index {bad} is outside [0, {classCount}).", nameof(labels));
        }

        Features = features;
        Labels = labels;
        _exampleShape = (int[])exampleShape.Clone();
        FeatureCount = (int)perExample;
        ClassCount = classCount;
    }

    /// <summary>The features, row-major <c>[Count, FeatureCount]</c>.</summary>
    public T[] Features { get; }

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
        var features = new T[(long)indices.Length * FeatureCount];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int source = indices[i];
            ArgumentOutOfRangeException.ThrowIfNegative(source, nameof(indices));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(source, Count, nameof(indices));
            Features.AsSpan(source * FeatureCount, FeatureCount).CopyTo(features.AsSpan(i * FeatureCount));
            labels[i] = Labels[source];
        }

        return new TensorDataset<T>(features, labels, _exampleShape, ClassCount);
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
        return new TensorDataset<T>(
            Features.AsSpan(start * FeatureCount, count * FeatureCount).ToArray(),
            Labels.AsSpan(start, count).ToArray(),
            _exampleShape,
            ClassCount);
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
