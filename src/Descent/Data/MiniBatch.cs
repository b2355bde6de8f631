using System.Numerics;

namespace Descent.Data;

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
        if (_oneHot.Length != 0)
        {
            _oneHot.AsSpan(0, count * ClassCount).Clear();
        }

        for (int i = 0; i < count; i++)
        {
            int example = _indices[i];
            data.CopyExample(example, _features.AsSpan(i * width, width));
            int label = data.Labels[example];
            _labels[i] = label;
            if (_oneHot.Length != 0)
            {
                _oneHot[(i * ClassCount) + label] = T.One;
            }
        }
    }
}
