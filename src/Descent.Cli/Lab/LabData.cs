using System.Numerics;
using Descent.Data;

namespace Descent.Cli.Lab;

/// <summary>
/// What the lab trains and tests on: images as raw bytes (IDX), or feature rows read from CSV or .npy files
/// (<see cref="TrainValues"/>, <see cref="TestValues"/>), with integer labels.
/// </summary>
internal sealed record LabData(string Description, byte[] TrainPixels, int[] TrainLabels, byte[] TestPixels, int[] TestLabels, int PixelsPerImage)
{
    /// <summary>Feature rows (CSV, .npy) instead of pixels: row-major <c>[TrainCount, FeatureCount]</c>, already scaled; null for images.</summary>
    public double[]? TrainValues { get; init; }

    /// <summary>The test rows of <see cref="TrainValues"/>; null for images.</summary>
    public double[]? TestValues { get; init; }

    /// <summary>The number of classes (the network's outputs).</summary>
    public int ClassCount { get; init; } = 10;

    /// <summary>Class names by index, for reports (null: the indices themselves).</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>True for MNIST-style images (the book's experiments need them), false for feature rows.</summary>
    public bool IsImages => TrainValues is null;

    /// <summary>Inputs per example: pixels per image, or features per row.</summary>
    public int FeatureCount => PixelsPerImage;

    /// <summary>
    /// The training examples as the network takes them: pixels kept as bytes and scaled as the book scales them
    /// (<see cref="Scale{T}"/>) when each batch is gathered, or the feature rows.
    /// </summary>
    public TensorDataset<T> TrainSet<T>()
        where T : unmanaged, IFloatingPointIeee754<T> => Set<T>(TrainValues, TrainPixels, TrainLabels);

    /// <summary>The test examples, as <see cref="TrainSet"/>.</summary>
    public TensorDataset<T> TestSet<T>()
        where T : unmanaged, IFloatingPointIeee754<T> => Set<T>(TestValues, TestPixels, TestLabels);

    /// <summary>The number of stored input values (pixels or features) of both sets, for memory estimates.</summary>
    public long StoredValues => TrainValues is { } train ? train.LongLength + TestValues!.LongLength : TrainPixels.LongLength + TestPixels.LongLength;

    public int TrainCount => TrainLabels.Length;

    public int TestCount => TestLabels.Length;

    /// <summary>The SHA-256 of each stored file by role (empty when unknown), recorded in checkpoints so a resume can tell the same data from other data.</summary>
    public string Checksums { get; init; } = string.Empty;

    /// <summary>
    /// Pixels scaled to [0, 1] as the book's <c>load_mnist(normalize=True)</c> does: <c>x.astype(float32) / 255.0</c>
    /// — a float32 division even when the network then computes in float64, so the float64 inputs carry float32
    /// rounding (the book's run depends on it to the last bit).
    /// </summary>
    public static T[] Scale<T>(byte[] pixels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new T[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            result[i] = T.CreateChecked(pixels[i] / 255f);
        }

        return result;
    }

    private TensorDataset<T> Set<T>(double[]? values, byte[] pixels, int[] labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (values is not null)
        {
            return new TensorDataset<T>(Convert<T>(values), labels, [FeatureCount], ClassCount);
        }

        Span<byte> all = stackalloc byte[256];
        for (int v = 0; v < all.Length; v++)
        {
            all[v] = (byte)v;
        }

        return TensorDataset<T>.FromBytes(pixels, Scale<T>(all.ToArray()), labels, [FeatureCount], ClassCount);
    }

    private static T[] Convert<T>(double[] values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new T[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = T.CreateChecked(values[i]);
        }

        return result;
    }
}
