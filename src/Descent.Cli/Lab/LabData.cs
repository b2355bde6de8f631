using System.Numerics;

namespace Descent.Cli.Lab;

/// <summary>Images as raw bytes with integer labels: what the lab trains and tests on.</summary>
internal sealed record LabData(string Description, byte[] TrainPixels, int[] TrainLabels, byte[] TestPixels, int[] TestLabels, int PixelsPerImage)
{
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
}
