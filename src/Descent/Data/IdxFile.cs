using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace Descent.Data;

/// <summary>
/// Reads and writes IDX files (LeCun's format for MNIST), raw or gzip-compressed.
/// </summary>
/// <remarks>
/// <para>Layout: the magic number <c>0x00 0x00 type dims</c>, then <c>dims</c> big-endian int32 sizes,
/// then the elements row-major. Whether a file is compressed is decided by its content (gzip starts
/// with <c>0x1F 0x8B</c>, which no IDX magic does), never by its name.</para>
/// <para>Nothing the header claims is trusted for memory: a raw file's claim is checked against its
/// length before any buffer is allocated, and a compressed one grows its buffer only as decompressed
/// bytes actually arrive. Every inconsistency raises <see cref="DataFormatException"/> naming the
/// file, what was expected and what was found.</para>
/// </remarks>
public static class IdxFile
{
    /// <summary>The most dimensions the format can express (the magic's fourth byte).</summary>
    internal const int MaxDimensions = 255;

    /// <summary>Reads an IDX file, raw or gzip-compressed.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>The file's contents.</returns>
    /// <exception cref="DataFormatException">The file is not a valid IDX file.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static IdxArray Read(string path) => DataStreams.ReadFile(path, Read);

    /// <summary>Reads an IDX file, raw or gzip-compressed, from a stream positioned at its start.</summary>
    /// <param name="stream">The stream; read to its end, not disposed.</param>
    /// <param name="sourceName">The name error messages give the data, e.g. its file name.</param>
    /// <returns>The file's contents.</returns>
    /// <exception cref="DataFormatException">The data is not a valid IDX file.</exception>
    public static IdxArray Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);

        Span<byte> sniff = stackalloc byte[2];
        int sniffed = DataStreams.ReadAtMost(stream, sniff);
        bool compressed = sniffed == 2 && sniff[0] == 0x1F && sniff[1] == 0x8B;
        long? rawLength = !compressed && stream.CanSeek ? stream.Length - stream.Position + sniffed : null;
        Stream source = new PrefixedStream(sniff[..sniffed].ToArray(), stream);
        if (!compressed)
        {
            return ReadIdx(source, sourceName, rawLength);
        }

        try
        {
            using var gzip = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
            return ReadIdx(gzip, sourceName + " (gzip)", knownLength: null);
        }
        catch (InvalidDataException e)
        {
            // .NET reports a damaged deflate stream or a CRC mismatch as an "unsupported compression method";
            // what the user needs to know is that this file is damaged.
            throw new DataFormatException(sourceName, "a valid gzip stream", "damaged compressed data (its deflate stream or CRC check fails); download or copy the file again", e);
        }
    }

    /// <summary>Writes an IDX file atomically (to a temporary file that is then renamed).</summary>
    /// <param name="path">The destination.</param>
    /// <param name="array">The contents.</param>
    /// <param name="compress">gzip-compress; when null, compress exactly when the path ends in <c>.gz</c>.</param>
    public static void Write(string path, IdxArray array, bool? compress = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(array);
        bool gzip = compress ?? path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        string full = Path.GetFullPath(path);
        string temporary = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                Write(stream, array, gzip);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Writes an IDX file to a stream.</summary>
    /// <param name="stream">The destination; not disposed.</param>
    /// <param name="array">The contents.</param>
    /// <param name="compress">gzip-compress the output.</param>
    public static void Write(Stream stream, IdxArray array, bool compress)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        if (compress)
        {
            using var gzip = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
            WriteRaw(gzip, array);
        }
        else
        {
            WriteRaw(stream, array);
        }
    }

    /// <summary>The size in bytes of one element of the type.</summary>
    internal static int SizeOf(IdxElementType type) => type switch
    {
        IdxElementType.UnsignedByte or IdxElementType.SignedByte => 1,
        IdxElementType.Int16 => 2,
        IdxElementType.Int32 or IdxElementType.Single => 4,
        IdxElementType.Double => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown IDX element type."),
    };

    private static void WriteRaw(Stream stream, IdxArray array)
    {
        ReadOnlySpan<int> shape = array.Shape;
        var header = new byte[4 + (4 * shape.Length)];
        header[2] = (byte)array.ElementType;
        header[3] = (byte)shape.Length;
        for (int i = 0; i < shape.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + (4 * i)), shape[i]);
        }

        stream.Write(header);
        stream.Write(array.RawData);
    }

    private static IdxArray ReadIdx(Stream stream, string name, long? knownLength)
    {
        Span<byte> magic = stackalloc byte[4];
        int got = DataStreams.ReadAtMost(stream, magic);
        if (got == 0)
        {
            throw new DataFormatException(name, "an IDX file (a 4-byte magic number 0x00 0x00 type dims)", "an empty file");
        }

        if (got < 4)
        {
            throw new DataFormatException(name, "a 4-byte magic number", $"only {got} byte(s): {DataStreams.Hex(magic[..got])}");
        }

        if (magic[0] != 0 || magic[1] != 0)
        {
            throw new DataFormatException(name, "an IDX magic number starting 0x00 0x00", $"{DataStreams.Hex(magic)} (not an IDX file)");
        }

        var type = (IdxElementType)magic[2];
        if (!Enum.IsDefined(type))
        {
            throw new DataFormatException(name, "an element type code 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E in the magic's third byte", $"0x{magic[2]:X2}");
        }

        int dimensions = magic[3];
        if (dimensions == 0)
        {
            throw new DataFormatException(name, "at least 1 dimension in the magic's fourth byte", "0");
        }

        var sizes = new byte[4 * dimensions];
        got = DataStreams.ReadAtMost(stream, sizes);
        if (got < sizes.Length)
        {
            throw new DataFormatException(name, $"{dimensions} dimension size(s) ({sizes.Length} bytes) after the magic number", $"the file ends after {got} of them (truncated)");
        }

        var shape = new int[dimensions];
        long count = 1;
        int elementSize = SizeOf(type);
        for (int i = 0; i < dimensions; i++)
        {
            int size = BinaryPrimitives.ReadInt32BigEndian(sizes.AsSpan(4 * i));
            if (size < 0)
            {
                throw new DataFormatException(name, $"dimension {i} to be a size between 0 and {int.MaxValue}", ((uint)size).ToString(CultureInfo.InvariantCulture));
            }

            shape[i] = size;
            count *= size;
            if (count * elementSize > Array.MaxLength)
            {
                throw new DataFormatException(name, $"at most {Array.MaxLength} data bytes", $"a header claiming more (shape [{string.Join(", ", shape[..(i + 1)])}{(i + 1 < dimensions ? ", …" : string.Empty)}] of {type})");
            }
        }

        long claimed = count * elementSize;
        string shapeText = $"[{string.Join(", ", shape)}] of {type}";
        if (knownLength is long length)
        {
            long available = length - 4 - sizes.Length;
            if (available < claimed)
            {
                throw new DataFormatException(name, $"{claimed} data bytes for shape {shapeText}", $"only {available} (truncated or a wrong header)");
            }

            if (available > claimed)
            {
                throw new DataFormatException(name, $"{claimed} data bytes for shape {shapeText}", $"{available} ({available - claimed} extra bytes after the data)");
            }
        }

        byte[] data = DataStreams.ReadPayload(stream, (int)claimed, knownLength is not null, name, $"{claimed} data bytes for shape {shapeText}");
        if (DataStreams.ReadAtMost(stream, stackalloc byte[1]) != 0)
        {
            throw new DataFormatException(name, $"the data to end after the {claimed} bytes its header declares for shape {shapeText}", "extra bytes after them");
        }

        return new IdxArray(type, shape, data);
    }
}
