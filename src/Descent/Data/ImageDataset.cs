using System.Numerics;

namespace Descent.Data;

/// <summary>
/// Labelled 8-bit grayscale images as stored (MNIST, Fashion-MNIST): <see cref="Count"/> images of
/// <see cref="Height"/> × <see cref="Width"/> pixels, row-major, and one class label per image.
/// </summary>
public sealed class ImageDataset
{
    private readonly byte[] _pixels;
    private readonly byte[] _labels;

    /// <summary>Creates a dataset over existing pixels and labels (not copied).</summary>
    /// <param name="pixels">The images, row-major: image i occupies <c>[i·H·W, (i+1)·H·W)</c>.</param>
    /// <param name="labels">One label per image, each below <paramref name="classCount"/>.</param>
    /// <param name="height">Rows per image.</param>
    /// <param name="width">Columns per image.</param>
    /// <param name="classCount">The number of classes (10 for MNIST).</param>
    /// <exception cref="ArgumentException">The lengths do not match or a label is out of range.</exception>
    public ImageDataset(byte[] pixels, byte[] labels, int height, int width, int classCount = 10)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        Guard.PositiveInt(height, nameof(height));
        Guard.PositiveInt(width, nameof(width));
        if (classCount is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"classCount must be in [1, 256]; got {classCount}.");
        }

        if ((long)labels.Length * height * width != pixels.LongLength)
        {
            throw new ArgumentException(
                $"{labels.Length} labels need {(long)labels.Length * height * width} pixels of {height}×{width} images; got {pixels.LongLength}.",
                nameof(pixels));
        }

        int bad = Array.FindIndex(labels, l => l >= classCount);
        if (bad >= 0)
        {
            throw new ArgumentException($"Label {labels[bad]} at index {bad} is outside [0, {classCount}).", nameof(labels));
        }

        _pixels = pixels;
        _labels = labels;
        Height = height;
        Width = width;
        ClassCount = classCount;
    }

    /// <summary>The number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>Rows per image.</summary>
    public int Height { get; }

    /// <summary>Columns per image.</summary>
    public int Width { get; }

    /// <summary>Pixels per image (<see cref="Height"/> × <see cref="Width"/>).</summary>
    public int PixelsPerImage => Height * Width;

    /// <summary>The number of classes labels are drawn from.</summary>
    public int ClassCount { get; }

    /// <summary>All pixels, image after image, row-major.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>The labels, one per image.</summary>
    public ReadOnlySpan<byte> Labels => _labels;

    /// <summary>The pixels of one image.</summary>
    /// <param name="index">The image index.</param>
    /// <returns>Its <see cref="PixelsPerImage"/> pixels, row-major.</returns>
    public ReadOnlySpan<byte> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);
    }

    /// <summary>Builds a dataset from an images IDX array (<c>[N, H, W]</c> unsigned bytes) and a labels one (<c>[N]</c>).</summary>
    /// <param name="images">The images.</param>
    /// <param name="labels">The labels.</param>
    /// <param name="imagesName">The images' file name, for error messages.</param>
    /// <param name="labelsName">The labels' file name, for error messages.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <returns>The dataset, sharing the arrays' bytes.</returns>
    /// <exception cref="DataFormatException">The arrays do not form a labelled image set.</exception>
    public static ImageDataset FromIdx(IdxArray images, IdxArray labels, string imagesName, string labelsName, int classCount = 10)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.ElementType != IdxElementType.UnsignedByte || images.Shape.Length != 3)
        {
            throw new DataFormatException(imagesName, "images: unsigned bytes of shape [count, rows, columns] (magic 0x00000803)", $"{images.ElementType} of shape [{string.Join(", ", images.Shape.ToArray())}]");
        }

        if (labels.ElementType != IdxElementType.UnsignedByte || labels.Shape.Length != 1)
        {
            throw new DataFormatException(labelsName, "labels: unsigned bytes of shape [count] (magic 0x00000801)", $"{labels.ElementType} of shape [{string.Join(", ", labels.Shape.ToArray())}]");
        }

        if (images.Shape[0] != labels.Shape[0])
        {
            throw new DataFormatException(labelsName, $"one label per image of {imagesName} ({images.Shape[0]})", $"{labels.Shape[0]} labels");
        }

        if (images.Shape[1] == 0 || images.Shape[2] == 0)
        {
            throw new DataFormatException(imagesName, "images of at least 1×1 pixel", $"{images.Shape[1]}×{images.Shape[2]}");
        }

        int bad = classCount > byte.MaxValue ? -1 : labels.RawData.IndexOfAnyInRange((byte)classCount, byte.MaxValue);
        if (bad >= 0)
        {
            throw new DataFormatException(labelsName, $"labels in [0, {classCount})", $"label {labels.RawData[bad]} at index {bad}");
        }

        return new ImageDataset(images.RawArray, labels.RawArray, images.Shape[1], images.Shape[2], classCount);
    }

    /// <summary>Reads a dataset from an images file and a labels file (each raw or gzip).</summary>
    /// <param name="imagesPath">The images IDX file.</param>
    /// <param name="labelsPath">The labels IDX file.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DataFormatException">A file is invalid or the two do not match.</exception>
    public static ImageDataset Read(string imagesPath, string labelsPath, int classCount = 10) =>
        FromIdx(IdxFile.Read(imagesPath), IdxFile.Read(labelsPath), imagesPath, labelsPath, classCount);

    /// <summary>Reads a dataset from an images stream and a labels stream (each raw or gzip).</summary>
    /// <param name="images">The images IDX data.</param>
    /// <param name="imagesName">Its name, for error messages.</param>
    /// <param name="labels">The labels IDX data.</param>
    /// <param name="labelsName">Its name, for error messages.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DataFormatException">A stream is invalid or the two do not match.</exception>
    public static ImageDataset Read(Stream images, string imagesName, Stream labels, string labelsName, int classCount = 10) =>
        FromIdx(IdxFile.Read(images, imagesName), IdxFile.Read(labels, labelsName), imagesName, labelsName, classCount);

    /// <summary>Counts the images of each class.</summary>
    /// <returns>Element <c>c</c> is the number of images labelled <c>c</c>.</returns>
    public int[] ClassCounts()
    {
        var counts = new int[ClassCount];
        foreach (byte label in _labels)
        {
            counts[label]++;
        }

        return counts;
    }

    /// <summary>The statistics of all pixels, exact.</summary>
    /// <returns>Count, mean, population standard deviation, min and max, in raw units.</returns>
    public PixelStatistics ComputePixelStatistics() => PixelStatistics.Of(_pixels);

    /// <summary>A contiguous range of images, copied.</summary>
    /// <param name="start">The first image.</param>
    /// <param name="count">How many.</param>
    /// <returns>The sub-dataset.</returns>
    public ImageDataset Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count - start);
        return new ImageDataset(
            _pixels.AsSpan(start * PixelsPerImage, count * PixelsPerImage).ToArray(),
            _labels.AsSpan(start, count).ToArray(),
            Height,
            Width,
            ClassCount);
    }

    /// <summary>Converts to network inputs of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scaling">How pixels are scaled; the book uses <see cref="PixelScaling.UnitInterval"/>.</param>
    /// <param name="statistics">
    /// For <see cref="PixelScaling.Standardize"/>: the statistics to standardise with — pass the training
    /// set's when converting the test set. Null means this dataset's own. Ignored otherwise.
    /// </param>
    /// <param name="flatten">True: each example has shape <c>[H·W]</c> (the book's <c>flatten=True</c>); false: <c>[1, H, W]</c>. The memory layout is the same.</param>
    /// <returns>Features <c>[Count, H·W]</c> row-major and integer labels.</returns>
    public TensorDataset<T> ToTensors<T>(PixelScaling scaling = PixelScaling.UnitInterval, PixelStatistics? statistics = null, bool flatten = true)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bytes = AsTensors<T>(scaling, statistics, flatten);
        return new TensorDataset<T>(bytes.Features, bytes.Labels, bytes.Shape[1..], ClassCount);
    }

    /// <summary>
    /// As <see cref="ToTensors"/>, but the pixels stay bytes and are scaled as each batch is gathered
    /// (<see cref="TensorDataset{T}.FromBytes"/>): the same numbers in a quarter (float) or an eighth (double) of the memory.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="scaling">How pixels are scaled.</param>
    /// <param name="statistics">For <see cref="PixelScaling.Standardize"/>, as for <see cref="ToTensors"/>.</param>
    /// <param name="flatten">The example shape, as for <see cref="ToTensors"/>.</param>
    /// <returns>The dataset over this dataset's pixels (shared, not copied).</returns>
    public TensorDataset<T> AsTensors<T>(PixelScaling scaling = PixelScaling.UnitInterval, PixelStatistics? statistics = null, bool flatten = true)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] labels = Array.ConvertAll(_labels, static l => (int)l);
        int[] shape = flatten ? [PixelsPerImage] : [1, Height, Width];
        return TensorDataset<T>.FromBytes(_pixels, Table<T>(scaling, statistics), labels, shape, ClassCount);
    }

    /// <summary>
    /// What each of the 256 pixel values becomes: every pixel of a value goes through the same arithmetic, so mapping
    /// each value once and looking it up gives exactly the per-pixel result.
    /// </summary>
    private T[] Table<T>(PixelScaling scaling, PixelStatistics? statistics)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Func<byte, T> map;
        switch (scaling)
        {
            case PixelScaling.None:
                map = static p => T.CreateTruncating(p);
                break;
            case PixelScaling.UnitInterval:
                map = static p => T.CreateTruncating(p) / T.CreateTruncating(255);
                break;
            case PixelScaling.UnitIntervalSinglePrecision:
                map = static p => T.CreateTruncating(p / 255f);
                break;
            case PixelScaling.Standardize:
                PixelStatistics stats = statistics ?? ComputePixelStatistics();
                if (!(stats.StandardDeviation > 0) || !double.IsFinite(stats.Mean))
                {
                    throw new ArgumentException(
                        $"Cannot standardise with mean {stats.Mean} and standard deviation {stats.StandardDeviation}: the deviation must be a finite number > 0.",
                        nameof(statistics));
                }

                T mean = T.CreateTruncating(stats.Mean), std = T.CreateTruncating(stats.StandardDeviation);
                map = p => (T.CreateTruncating(p) - mean) / std;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scaling), scaling, $"Unknown scaling; allowed: {string.Join(", ", Enum.GetNames<PixelScaling>())}.");
        }

        var table = new T[256];
        for (int v = 0; v < 256; v++)
        {
            table[v] = map((byte)v);
        }

        return table;
    }
}
