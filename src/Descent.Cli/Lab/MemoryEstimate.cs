using System.Globalization;

namespace Descent.Cli.Lab;

/// <summary>
/// What an MNIST run will need in memory, estimated before anything is allocated, so an absurd batch or layer
/// size is refused with the numbers instead of failing gigabytes later (or overflowing a 32-bit size).
/// </summary>
internal static class MemoryEstimate
{
    /// <summary>
    /// Bytes for <paramref name="networks"/> networks trained at once: per network the parameters four times
    /// (values, gradients, up to two optimizer moments) and per layer output the batch's activations three
    /// times (output, gradient, fused-ReLU gradient); once, the scaled training and test images and the batch.
    /// Computed in double: the products of absurd sizes must not overflow before they are compared.
    /// </summary>
    public static double Bytes(MnistSettings settings, bool useDouble, int networks, LabData data)
    {
        double element = useDouble ? 8 : 4;
        double parameters = 0, activations = 0;
        double inputs = data.PixelsPerImage;
        foreach (double width in settings.Hidden.Select(h => (double)h).Append((double)data.ClassCount))
        {
            parameters += (inputs * width) + width;
            activations += (double)settings.BatchSize * width * (settings.BatchNorm ? 5 : 3);
            inputs = width;
        }

        double perNetwork = ((4 * parameters) + activations) * element;
        double shared = ((double)data.StoredValues + ((double)settings.BatchSize * data.PixelsPerImage * 2)) * element;
        return (networks * perNetwork) + shared;
    }

    /// <summary>Refuses a run whose estimate exceeds the memory this process may use.</summary>
    /// <exception cref="UsageException">The run cannot fit; the message gives the estimate and what is available.</exception>
    public static void Check(MnistSettings settings, bool useDouble, int networks, LabData data)
    {
        double needed = Bytes(settings, useDouble, networks, data);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (needed > available)
        {
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"This run needs about {Gigabytes(needed)} of memory (batch {settings.BatchSize}, layers {data.FeatureCount}-{string.Join("-", settings.Hidden)}-{data.ClassCount}, {(useDouble ? "float64" : "float32")}, {networks} network(s)); {Gigabytes(available)} is available. Use a smaller --batch-size or --hidden."));
        }

        double widest = (double)settings.BatchSize * Math.Max(data.PixelsPerImage, settings.Hidden.DefaultIfEmpty(0).Max());
        if (widest > Array.MaxLength)
        {
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"--batch-size {settings.BatchSize}: a batch's widest layer would hold {widest:0} values, more than one array can ({Array.MaxLength})."));
        }
    }

    private static string Gigabytes(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 30):0.##} GiB");
}
