using Descent.Cli.Data;
using Descent.Data;

namespace Descent.Cli.Lab;

/// <summary>Loads what <c>--data</c> names (default: the bundled MNIST subset) into the lab's raw form.</summary>
internal static class LabDataLoader
{
    /// <summary>Pixels per image the lab's networks take (28 × 28).</summary>
    public const int MnistPixels = 784;

    /// <exception cref="UsageException">The folder does not exist (or names a dataset not downloaded yet).</exception>
    public static LabData Load(string? data)
    {
        LoadedDataset loaded;
        try
        {
            loaded = DataFiles.Load(data);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new UsageException(UsageException.Clean(e), e);
        }

        var (train, test) = (loaded.Data.Train, loaded.Data.Test);
        if (train.Count == 0 || test.Count == 0)
        {
            throw new DataFormatException($"{loaded.Description}: the {(train.Count == 0 ? "training" : "test")} set holds no images; the lab needs at least one of each.");
        }

        if (train.PixelsPerImage != test.PixelsPerImage)
        {
            throw new DataFormatException($"{loaded.Description}: training images have {train.PixelsPerImage} pixels but test images {test.PixelsPerImage}.");
        }

        if (train.PixelsPerImage != MnistPixels)
        {
            throw new DataFormatException($"{loaded.Description}: its images have {train.PixelsPerImage} pixels; the lab's networks take 28×28 MNIST-style images ({MnistPixels} pixels).");
        }

        return new LabData(loaded.Description, train.Pixels.ToArray(), Labels(train), test.Pixels.ToArray(), Labels(test), train.PixelsPerImage)
        {
            Checksums = string.Join(", ", loaded.Files.Select(f => $"{f.Role} {f.Sha256}")),
        };
    }

    private static int[] Labels(ImageDataset data)
    {
        var labels = new int[data.Count];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = data.Labels[i];
        }

        return labels;
    }
}
