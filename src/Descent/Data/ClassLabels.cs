using System.Globalization;

namespace Descent.Data;

/// <summary>
/// The classes of a classification dataset and how its labels map to class indices <c>0 … Count − 1</c>.
/// </summary>
/// <remarks>
/// Integer labels are class indices already (what Keras' sparse categorical loss and PyTorch's
/// <c>CrossEntropyLoss</c> expect), so <c>0, 1, 2</c> stay <c>0, 1, 2</c> and the class count is the largest plus one.
/// Any other labels (<c>setosa</c>, <c>versicolor</c>) are text: the classes are the distinct labels in ordinal
/// order. Training and test labels are encoded together, so one label means one class in both.
/// </remarks>
public sealed class ClassLabels
{
    /// <summary>The most classes a dataset may have (the network's output width).</summary>
    public const int MaxClasses = 10_000;

    private readonly Dictionary<string, int>? _index;

    private ClassLabels(IReadOnlyList<string> names, Dictionary<string, int>? index)
    {
        Names = names;
        _index = index;
    }

    /// <summary>The class names, by index: the numbers themselves for integer labels, the distinct labels otherwise.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The number of classes.</summary>
    public int Count => Names.Count;

    /// <summary>True when the labels were integers, used as class indices as written.</summary>
    public bool AreIndices => _index is null;

    /// <summary>Decides the classes from every label of a dataset (training and test together).</summary>
    /// <param name="labelSets">The labels of each file, with the file's name for error messages.</param>
    /// <returns>The classes.</returns>
    /// <exception cref="DataFormatException">Integer labels include a negative one or one of <see cref="MaxClasses"/> or more, or the text labels name more classes than that.</exception>
    public static ClassLabels FromText(params IReadOnlyList<(string Source, IReadOnlyList<string> Labels)> labelSets)
    {
        ArgumentNullException.ThrowIfNull(labelSets);
        bool integers = labelSets.All(set => set.Labels.All(l => TryIndex(l, out _)));
        if (integers)
        {
            int max = -1;
            foreach (var (source, labels) in labelSets)
            {
                for (int i = 0; i < labels.Count; i++)
                {
                    TryIndex(labels[i], out long value);
                    if (value < 0 || value >= MaxClasses)
                    {
                        throw new DataFormatException(source, $"integer labels to be class indices from 0 to {MaxClasses - 1}", $"{labels[i]} (label {i + 1})");
                    }

                    max = Math.Max(max, (int)value);
                }
            }

            return new ClassLabels([.. Enumerable.Range(0, max + 1).Select(i => i.ToString(CultureInfo.InvariantCulture))], null);
        }

        string[] names = [.. labelSets.SelectMany(s => s.Labels).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        if (names.Length > MaxClasses)
        {
            throw new DataFormatException(labelSets[0].Source, $"at most {MaxClasses} distinct labels (classes)", $"{names.Length}");
        }

        return new ClassLabels(names, names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal));
    }

    /// <summary>The classes of integer labels from arrays (e.g. NumPy's): <c>0 … max</c>.</summary>
    /// <param name="labelSets">Each file's class indices, with the file's name.</param>
    /// <returns>The classes.</returns>
    /// <exception cref="DataFormatException">A label is negative or not below <see cref="MaxClasses"/>.</exception>
    public static ClassLabels FromIndices(params IReadOnlyList<(string Source, int[] Labels)> labelSets)
    {
        ArgumentNullException.ThrowIfNull(labelSets);
        int max = -1;
        foreach (var (source, labels) in labelSets)
        {
            for (int i = 0; i < labels.Length; i++)
            {
                if (labels[i] < 0 || labels[i] >= MaxClasses)
                {
                    throw new DataFormatException(source, $"class indices from 0 to {MaxClasses - 1}", $"{labels[i]} at index {i}");
                }

                max = Math.Max(max, labels[i]);
            }
        }

        return new ClassLabels([.. Enumerable.Range(0, max + 1).Select(i => i.ToString(CultureInfo.InvariantCulture))], null);
    }

    /// <summary>The class index of each label.</summary>
    /// <param name="labels">Labels as written; each must be one of those the classes were decided from.</param>
    /// <returns>One index per label.</returns>
    /// <exception cref="ArgumentException">A label is not one of the classes.</exception>
    public int[] Encode(IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var result = new int[labels.Count];
        for (int i = 0; i < result.Length; i++)
        {
            if (_index is null)
            {
                result[i] = TryIndex(labels[i], out long value) && value >= 0 && value < Count
                    ? (int)value
                    : throw new ArgumentException($"Label '{labels[i]}' at index {i} is not a class index below {Count}.", nameof(labels));
            }
            else
            {
                result[i] = _index.TryGetValue(labels[i], out int index)
                    ? index
                    : throw new ArgumentException($"Label '{labels[i]}' at index {i} is not one of the {Count} classes.", nameof(labels));
            }
        }

        return result;
    }

    /// <summary>
    /// Class indices from a NumPy label array: one integer per example, shape <c>(N,)</c> or <c>(N, 1)</c>, of an
    /// integer type, or a float type holding whole numbers (what <c>np.save(y.astype(float))</c> leaves).
    /// </summary>
    /// <param name="array">The labels.</param>
    /// <param name="source">Its file name, for error messages.</param>
    /// <returns>The labels as integers (not yet checked against a class count).</returns>
    /// <exception cref="DataFormatException">The shape is not one label per example or a value is not a whole number in int range.</exception>
    public static int[] IndicesOf(NpyArray array, string source)
    {
        ArgumentNullException.ThrowIfNull(array);
        var shape = array.Shape;
        if (!(shape.Length == 1 || (shape.Length == 2 && shape[1] == 1)))
        {
            throw new DataFormatException(source, "labels of shape (N,) or (N, 1): one class index per example", $"shape {array.ShapeText}");
        }

        var result = new int[shape[0]];
        for (int i = 0; i < result.Length; i++)
        {
            double value = array[i];
            if (!(value == Math.Floor(value)) || value < int.MinValue || value > int.MaxValue)
            {
                throw new DataFormatException(source, "whole-number class indices", $"{value.ToString("R", CultureInfo.InvariantCulture)} at index {i}");
            }

            result[i] = (int)value;
        }

        return result;
    }

    /// <summary>An integer label: <c>3</c>, or a whole float written by a tool that saves every number as a float (<c>3.0</c>).</summary>
    private static bool TryIndex(string text, out long value)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        if (double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double d)
            && d == Math.Floor(d) && Math.Abs(d) < 1e15)
        {
            value = (long)d;
            return true;
        }

        return false;
    }
}
