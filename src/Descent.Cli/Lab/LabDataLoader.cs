using System.IO.Compression;

namespace Descent.Cli.Lab;

// TEMPORARY local loader until data's DataFiles lands on main (not to be committed).
internal static class LabDataLoader
{
    public static LabData Load(string? directory)
    {
        string dir = directory ?? "/work/shared/data/mnist";
        static byte[] Read(string path, int skip)
        {
            using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var copy = new MemoryStream();
            gz.CopyTo(copy);
            return copy.ToArray()[skip..];
        }

        return new LabData(
            "temporary",
            Read(Path.Combine(dir, "mnist10k-images-idx3-ubyte.gz"), 16),
            [.. Read(Path.Combine(dir, "mnist10k-labels-idx1-ubyte.gz"), 8).Select(b => (int)b)],
            Read(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), 16),
            [.. Read(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"), 8).Select(b => (int)b)],
            784);
    }
}
