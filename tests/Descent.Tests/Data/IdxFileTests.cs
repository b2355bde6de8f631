using System.Buffers.Binary;
using System.IO.Compression;
using Descent.Data;

namespace Descent.Tests.Data;

public sealed class IdxFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("descent-idx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static byte[] Encode(IdxArray array, bool gzip)
    {
        using var stream = new MemoryStream();
        IdxFile.Write(stream, array, gzip);
        return stream.ToArray();
    }

    internal static byte[] Header(byte type, params int[] shape)
    {
        var header = new byte[4 + (4 * shape.Length)];
        header[2] = type;
        header[3] = (byte)shape.Length;
        for (int i = 0; i < shape.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + (4 * i)), shape[i]);
        }

        return header;
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static IdxArray Read(byte[] bytes, string name = "test.idx") => IdxFile.Read(new MemoryStream(bytes), name);

    private static DataFormatException Bad(byte[] bytes, string name = "bad.idx") =>
        Assert.Throws<DataFormatException>(() => Read(bytes, name));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryElementType_RoundTrips(bool gzip)
    {
        int[] shape = [2, 3];
        double[] values = [0, 1, 2, 3, 4, 5];
        Check(IdxArray.FromValues<byte>([0, 1, 2, 3, 4, 255], shape), [0, 1, 2, 3, 4, 255]);
        Check(IdxArray.FromValues<sbyte>([0, 1, -2, 3, -128, 127], shape), [0, 1, -2, 3, -128, 127]);
        Check(IdxArray.FromValues<short>([0, 1, -2, 300, short.MinValue, short.MaxValue], shape), [0, 1, -2, 300, short.MinValue, short.MaxValue]);
        Check(IdxArray.FromValues<int>([0, 1, -2, 70000, int.MinValue, int.MaxValue], shape), [0, 1, -2, 70000, int.MinValue, int.MaxValue]);
        Check(IdxArray.FromValues<float>([0, 1.5f, -2.25f, 1e30f, float.Epsilon, -0f], shape), [0, 1.5, -2.25, (double)1e30f, float.Epsilon, 0]);
        Check(IdxArray.FromValues<double>([0, 1.5, -2.25, 1e300, double.Epsilon, Math.PI], shape), [0, 1.5, -2.25, 1e300, double.Epsilon, Math.PI]);

        void Check(IdxArray array, double[] expected)
        {
            IdxArray back = Read(Encode(array, gzip));
            Assert.Equal(array.ElementType, back.ElementType);
            Assert.Equal(shape, back.Shape.ToArray());
            Assert.Equal(expected, back.ToArray<double>());
            Assert.True(back.RawData.SequenceEqual(array.RawData));
        }
    }

    [Fact]
    public void MultiByteElements_AreBigEndianOnDisk()
    {
        byte[] bytes = Encode(IdxArray.FromValues<int>([0x01020304], 1), gzip: false);
        Assert.Equal(new byte[] { 0, 0, 0x0C, 1, 0, 0, 0, 1, 1, 2, 3, 4 }, bytes);
    }

    [Fact]
    public void Compression_IsDetectedByContent_NotByName()
    {
        var array = IdxArray.FromBytes([1, 2, 3, 4, 5, 6], 2, 3);
        string gzipNamedRaw = Path.Combine(_dir, "images-idx3-ubyte");
        string rawNamedGz = Path.Combine(_dir, "images-idx3-ubyte.gz");
        File.WriteAllBytes(gzipNamedRaw, Encode(array, gzip: true));
        File.WriteAllBytes(rawNamedGz, Encode(array, gzip: false));
        Assert.Equal(array.RawData.ToArray(), IdxFile.Read(gzipNamedRaw).RawData.ToArray());
        Assert.Equal(array.RawData.ToArray(), IdxFile.Read(rawNamedGz).RawData.ToArray());
    }

    [Fact]
    public void WriteToPath_CompressesByExtension_AndLeavesNoTemporaryFile()
    {
        var array = IdxArray.FromBytes(new byte[784 * 3], 3, 28, 28);
        IdxFile.Write(Path.Combine(_dir, "a.gz"), array);
        IdxFile.Write(Path.Combine(_dir, "a"), array);
        Assert.Equal([0x1F, 0x8B], File.ReadAllBytes(Path.Combine(_dir, "a.gz"))[..2]);
        Assert.Equal(16 + (784 * 3), new FileInfo(Path.Combine(_dir, "a")).Length);
        Assert.Equal(2, Directory.GetFiles(_dir).Length);
    }

    [Fact]
    public void NonSeekableStreams_AreRead()
    {
        var array = IdxArray.FromBytes([7, 8, 9], 3);
        foreach (bool gzip in (bool[])[false, true])
        {
            using var stream = new NonSeekableStream(Encode(array, gzip));
            Assert.Equal([7, 8, 9], IdxFile.Read(stream, "pipe").RawData.ToArray());
        }
    }

    [Fact]
    public void EmptyFile_IsRejected()
    {
        var e = Bad([], "empty.idx");
        Assert.Contains("empty.idx", e.Message, StringComparison.Ordinal);
        Assert.Contains("empty file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongMagic_IsRejectedShowingTheBytes()
    {
        var e = Bad("PK\u0003\u0004 not idx"u8.ToArray(), "archive.zip");
        Assert.Equal("archive.zip", e.FileName);
        Assert.Contains("0x00 0x00", e.Expected, StringComparison.Ordinal);
        Assert.Contains("0x50 0x4B 0x03 0x04", e.Found, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownElementType_IsRejected()
    {
        var e = Bad([0, 0, 0x07, 1, 0, 0, 0, 0]);
        Assert.Contains("0x07", e.Found, StringComparison.Ordinal);
        Assert.Contains("0x08", e.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroDimensions_AreRejected() => Bad([0, 0, 0x08, 0]);

    [Fact]
    public void TruncatedHeader_IsRejected()
    {
        var e = Bad(Header(0x08, 10, 28, 28)[..9]);
        Assert.Contains("truncated", e.Found, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeDimension_IsRejected()
    {
        byte[] bytes = Header(0x08, 2);
        bytes[4] = 0x80;
        var e = Bad(bytes);
        Assert.Contains("2147483650", e.Found, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedData_IsRejectedWithBothLengths(bool gzip)
    {
        byte[] file = [.. Header(0x08, 10, 28, 28), .. new byte[5000]];
        var e = Bad(gzip ? Gzip(file) : file, "t10k-images-idx3-ubyte");
        Assert.Contains("t10k-images-idx3-ubyte", e.Message, StringComparison.Ordinal);
        Assert.Contains("7840", e.Expected, StringComparison.Ordinal);
        Assert.Contains("5000", e.Found, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ExtraBytesAfterTheData_AreRejected(bool gzip)
    {
        byte[] file = [.. Header(0x08, 3), 1, 2, 3, 4];
        var e = Bad(gzip ? Gzip(file) : file);
        Assert.Contains("extra", e.Found, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeClaim_InARawFile_FailsBeforeAllocating()
    {
        byte[] file = [.. Header(0x08, 60000, 28000, 1), .. new byte[100]];
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Bad(file);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("1680000000", e.Expected, StringComparison.Ordinal);
        Assert.Contains("only 100", e.Found, StringComparison.Ordinal);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void HugeClaim_InAGzipFile_AllocatesOnlyWhatArrives()
    {
        byte[] file = Gzip([.. Header(0x08, 60000, 28000, 1), .. new byte[100_000]]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Bad(file);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("only 100000", e.Found, StringComparison.Ordinal);
        Assert.True(allocated < 2_000_000, $"allocated {allocated} bytes for a 100 kB payload");
    }

    [Fact]
    public void ClaimBeyondTheArrayLimit_IsRejectedFromTheHeaderAlone()
    {
        var e = Bad(Header(0x0E, 65536, 65536, 65536));
        Assert.Contains("more", e.Found, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptGzip_IsRejectedAsADataFormatError()
    {
        byte[] good = Gzip([.. Header(0x08, 1000), .. new byte[1000]]);
        byte[] corrupt = [.. good[..10], .. Enumerable.Repeat((byte)0xFF, good.Length - 10)];
        var e = Bad(corrupt, "corrupt.gz");
        Assert.Contains("corrupt.gz", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFile_IsAFileNotFoundError() =>
        Assert.Throws<FileNotFoundException>(() => IdxFile.Read(Path.Combine(_dir, "absent")));

    /// <summary>
    /// Fuzz: thousands of seeded mutations of valid files (bit flips, byte overwrites, truncations,
    /// insertions, appended garbage, raw and gzip) either read or raise <see cref="DataFormatException"/> —
    /// nothing else ever escapes.
    /// </summary>
    [Fact]
    public void MutatedFiles_OnlyEverRaiseDataFormatException()
    {
        var random = new Random(20261126);
        byte[] images = Encode(IdxArray.FromBytes(RandomBytes(random, 5 * 7 * 6), 5, 7, 6), gzip: false);
        byte[] doubles = Encode(IdxArray.FromValues<double>([1, 2, 3, 4], 2, 2), gzip: false);
        byte[][] seeds = [images, Gzip(images), doubles, Gzip(doubles), Header(0x08, 0)];
        int rejected = 0, accepted = 0;
        for (int trial = 0; trial < 4000; trial++)
        {
            byte[] bytes = Mutate(random, seeds[random.Next(seeds.Length)]);
            try
            {
                IdxArray array = Read(bytes, $"fuzz-{trial}");
                Assert.Equal(array.Count * SizeOf(array.ElementType), array.RawData.Length);
                accepted++;
            }
            catch (DataFormatException e)
            {
                Assert.StartsWith($"fuzz-{trial}", e.Message, StringComparison.Ordinal);
                rejected++;
            }
        }

        // Both outcomes must occur, or the mutations are not exercising the reader.
        Assert.InRange(rejected, 1000, 4000);
        Assert.InRange(accepted, 100, 4000);
    }

    private static int SizeOf(IdxElementType type) => type switch
    {
        IdxElementType.Int16 => 2,
        IdxElementType.Int32 or IdxElementType.Single => 4,
        IdxElementType.Double => 8,
        _ => 1,
    };

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] original)
    {
        var bytes = new List<byte>(original);
        int edits = 1 + random.Next(3);
        for (int e = 0; e < edits; e++)
        {
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    int bit = random.Next(bytes.Count * 8);
                    bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                    break;
                case 1 when bytes.Count > 0:
                    // Header bytes are where the interesting lies are told.
                    int at = random.Next(2) == 0 ? random.Next(Math.Min(bytes.Count, 16)) : random.Next(bytes.Count);
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes = bytes.GetRange(0, random.Next(bytes.Count + 1));
                    break;
                case 3:
                    bytes.InsertRange(random.Next(bytes.Count + 1), RandomBytes(random, 1 + random.Next(8)));
                    break;
                case 4:
                    bytes.AddRange(RandomBytes(random, 1 + random.Next(16)));
                    break;
                default:
                    // Leave it intact now and then, so valid files are accepted too.
                    break;
            }
        }

        return [.. bytes];
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
