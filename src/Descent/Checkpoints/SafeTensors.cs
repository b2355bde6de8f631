using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Descent.Checkpoints;

/// <summary>Element types of the safetensors format (the names its header uses).</summary>
public enum SafeTensorType
{
    /// <summary>IEEE 754 double.</summary>
    F64,

    /// <summary>IEEE 754 single.</summary>
    F32,

    /// <summary>Signed 64-bit integer.</summary>
    I64,

    /// <summary>Signed 32-bit integer.</summary>
    I32,

    /// <summary>Unsigned byte.</summary>
    U8,
}

/// <summary>One tensor of a safetensors file: its name, element type, shape and raw little-endian bytes.</summary>
/// <param name="Name">Unique name (not <c>__metadata__</c>).</param>
/// <param name="Type">Element type.</param>
/// <param name="Shape">Dimensions, row-major; empty for a scalar.</param>
/// <param name="Data">The elements' bytes, little-endian.</param>
public sealed record SafeTensor(string Name, SafeTensorType Type, long[] Shape, byte[] Data)
{
    /// <summary>Bytes per element of <paramref name="type"/>.</summary>
    /// <param name="type">The element type.</param>
    /// <returns>Its size.</returns>
    public static int ElementSize(SafeTensorType type) => type switch
    {
        SafeTensorType.F64 or SafeTensorType.I64 => 8,
        SafeTensorType.F32 or SafeTensorType.I32 => 4,
        _ => 1,
    };
}

/// <summary>A file's tensors (in file order) and its <c>__metadata__</c> string map.</summary>
/// <param name="Tensors">The tensors.</param>
/// <param name="Metadata">The free-form string map.</param>
public sealed record SafeTensorsContent(IReadOnlyList<SafeTensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

/// <summary>The error for a checkpoint or safetensors file that is truncated, corrupt, or does not fit the objects it is loaded into.</summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the error.</summary>
    public CheckpointException()
    {
    }

    /// <summary>Creates the error with a message that says what is wrong.</summary>
    /// <param name="message">The message.</param>
    public CheckpointException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="inner">The cause.</param>
    public CheckpointException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// Reads and writes the safetensors format (Hugging Face) exactly as its specification and reference
/// implementation do: an 8-byte little-endian header length N, N bytes of UTF-8 JSON (padded with spaces so
/// the data starts 8-byte aligned) mapping each name to <c>dtype</c>, <c>shape</c> and <c>data_offsets</c>
/// (relative to the data section) plus an optional <c>__metadata__</c> string map, then the data, with the
/// tensors covering it back to back and nothing else.
/// </summary>
public static class SafeTensors
{
    /// <summary>The reference implementation's limit on the header length.</summary>
    public const int MaxHeaderLength = 100_000_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes the file atomically: a temporary file in the same folder, flushed to disk, then renamed over <paramref name="path"/>.</summary>
    /// <param name="path">The destination.</param>
    /// <param name="content">Tensors and metadata.</param>
    /// <exception cref="ArgumentException">Duplicate or reserved names, or a tensor whose bytes do not match its shape.</exception>
    public static void Write(string path, SafeTensorsContent content)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(content);
        WriteAtomically(path, Serialize(content));
    }

    /// <summary>Writes bytes atomically: a temporary file in the same folder, flushed to disk, then renamed over <paramref name="path"/>.</summary>
    /// <param name="path">The destination.</param>
    /// <param name="bytes">The whole file.</param>
    /// <param name="onStage">
    /// Called at <c>temporary-partial</c> (half the bytes written and flushed) and <c>temporary-written</c>
    /// (all flushed, not yet renamed): the points where fault-injection tests stop the process.
    /// </param>
    internal static void WriteAtomically(string path, byte[] bytes, Action<string>? onStage = null)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        string temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                int half = bytes.Length / 2;
                stream.Write(bytes, 0, half);
                if (onStage is not null)
                {
                    stream.Flush(flushToDisk: true);
                    onStage("temporary-partial");
                }

                stream.Write(bytes, half, bytes.Length - half);
                stream.Flush(flushToDisk: true);
            }

            onStage?.Invoke("temporary-written");
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>The file's bytes.</summary>
    /// <param name="content">Tensors and metadata.</param>
    /// <returns>Header length, header, data.</returns>
    public static byte[] Serialize(SafeTensorsContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Writing safetensors needs a little-endian machine.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in content.Tensors)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(content));
            if (t.Name == "__metadata__" || string.IsNullOrEmpty(t.Name) || !names.Add(t.Name))
            {
                throw new ArgumentException($"Tensor name '{t.Name}' is empty, reserved or repeated.", nameof(content));
            }

            long expected = checked(Count(t.Shape) * SafeTensor.ElementSize(t.Type));
            if (t.Data.LongLength != expected)
            {
                throw new ArgumentException($"Tensor '{t.Name}' has {t.Data.Length} bytes; {t.Type} [{string.Join(", ", t.Shape)}] needs {expected}.", nameof(content));
            }
        }

        // Widest elements first keeps every tensor aligned to its element size once the data starts 8-aligned.
        var ordered = content.Tensors.OrderByDescending(t => SafeTensor.ElementSize(t.Type)).ToList();
        using var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (content.Metadata.Count > 0)
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in content.Metadata)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var t in ordered)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", t.Type.ToString());
                json.WriteStartArray("shape");
                foreach (long d in t.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + t.Data.LongLength);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += t.Data.LongLength;
            }

            json.WriteEndObject();
        }

        int headerLength = (int)header.Length;
        int padded = (headerLength + 7) / 8 * 8;
        long total = 8L + padded + ordered.Sum(t => t.Data.LongLength);
        byte[] file = new byte[total];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        header.GetBuffer().AsSpan(0, headerLength).CopyTo(file.AsSpan(8));
        file.AsSpan(8 + headerLength, padded - headerLength).Fill((byte)' ');
        long at = 8L + padded;
        foreach (var t in ordered)
        {
            t.Data.CopyTo(file, at);
            at += t.Data.LongLength;
        }

        return file;
    }

    /// <summary>Reads and fully validates a file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Its tensors and metadata.</returns>
    /// <exception cref="CheckpointException">The file is truncated or corrupt; the message says where.</exception>
    public static SafeTensorsContent Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            return Parse(bytes);
        }
        catch (CheckpointException e)
        {
            throw new CheckpointException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Parses and fully validates a file's bytes.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <returns>Its tensors and metadata.</returns>
    /// <exception cref="CheckpointException">The bytes are truncated or corrupt.</exception>
    public static SafeTensorsContent Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8)
        {
            throw new CheckpointException($"Truncated: {bytes.Length} bytes, fewer than the 8-byte header length.");
        }

        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (n > MaxHeaderLength)
        {
            throw new CheckpointException($"Corrupt header: its length field says {n} bytes (the format allows at most {MaxHeaderLength}).");
        }

        if (8 + (long)n > bytes.Length)
        {
            throw new CheckpointException($"Truncated: the header needs {n} bytes after the length field but only {bytes.Length - 8} follow.");
        }

        var headerBytes = bytes.Slice(8, (int)n);
        if (headerBytes.Length == 0 || headerBytes[0] != (byte)'{')
        {
            throw new CheckpointException("Corrupt header: it does not start with '{'.");
        }

        JsonDocument doc;
        try
        {
            // Strict UTF-8, as the reference reader (Rust's str::from_utf8): a replacement character would be read and saved on.
            doc = JsonDocument.Parse(StrictUtf8.GetString(headerBytes).TrimEnd(' ').AsMemory());
        }
        catch (Exception e) when (e is JsonException or ArgumentException or DecoderFallbackException)
        {
            throw new CheckpointException($"Corrupt header: not valid UTF-8 JSON ({e.Message}).", e);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointException("Corrupt header: the JSON is not an object.");
            }

            var data = bytes[(8 + (int)n)..];
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<(string Name, SafeTensorType Type, long[] Shape, long Begin, long End)>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                // JSON allows a repeated key and most readers keep the last; in a checkpoint that pairs one step's metadata with another's tensors.
                if (!names.Add(property.Name))
                {
                    throw new CheckpointException($"Corrupt header: '{property.Name}' appears more than once.");
                }

                if (property.Name.Length == 0)
                {
                    throw new CheckpointException("Corrupt header: a tensor has an empty name.");
                }

                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind != JsonValueKind.Object)
                    {
                        throw new CheckpointException("Corrupt header: __metadata__ is not an object.");
                    }

                    foreach (var m in property.Value.EnumerateObject())
                    {
                        if (metadata.ContainsKey(m.Name))
                        {
                            throw new CheckpointException($"Corrupt header: metadata '{m.Name}' appears more than once.");
                        }

                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String
                            ? m.Value.GetString()!
                            : throw new CheckpointException($"Corrupt header: metadata '{m.Name}' is not a string.");
                    }

                    continue;
                }

                entries.Add(ParseEntry(property));
            }

            // The tensors must tile the data section exactly: no gaps, no overlaps, nothing after.
            long expectedBegin = 0;
            foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
            {
                if (e.Begin != expectedBegin)
                {
                    throw new CheckpointException($"Corrupt header: tensor '{e.Name}' starts at byte {e.Begin} of the data, expected {expectedBegin}.");
                }

                long needed;
                try
                {
                    needed = checked(Count(e.Shape) * SafeTensor.ElementSize(e.Type));
                }
                catch (OverflowException)
                {
                    throw new CheckpointException($"Corrupt header: tensor '{e.Name}' has an impossibly large shape [{string.Join(", ", e.Shape)}].");
                }

                if (e.End - e.Begin != needed)
                {
                    throw new CheckpointException($"Corrupt header: tensor '{e.Name}' spans {e.End - e.Begin} bytes; {e.Type} [{string.Join(", ", e.Shape)}] needs {needed}.");
                }

                expectedBegin = e.End;
            }

            if (expectedBegin != data.Length)
            {
                throw new CheckpointException(expectedBegin > data.Length
                    ? $"Truncated: the tensors need {expectedBegin} data bytes but the file holds {data.Length}."
                    : $"Corrupt: {data.Length - expectedBegin} bytes after the last tensor.");
            }

            var tensors = new List<SafeTensor>(entries.Count);
            foreach (var e in entries)
            {
                tensors.Add(new SafeTensor(e.Name, e.Type, e.Shape, data[(int)e.Begin..(int)e.End].ToArray()));
            }

            return new SafeTensorsContent(tensors, metadata);
        }
    }

    private static (string Name, SafeTensorType Type, long[] Shape, long Begin, long End) ParseEntry(JsonProperty property)
    {
        string name = property.Name;
        var v = property.Value;
        if (v.ValueKind != JsonValueKind.Object
            || !v.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !v.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !v.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw new CheckpointException($"Corrupt header: tensor '{name}' needs dtype, shape and a two-element data_offsets.");
        }

        if (!Enum.TryParse<SafeTensorType>(dtype.GetString(), ignoreCase: false, out var type) || !Enum.IsDefined(type) || char.IsDigit(dtype.GetString()![0]))
        {
            throw new CheckpointException($"Tensor '{name}' has dtype '{dtype.GetString()}'; this reader handles {string.Join(", ", Enum.GetNames<SafeTensorType>())}.");
        }

        var dims = new long[shape.GetArrayLength()];
        int i = 0;
        foreach (var d in shape.EnumerateArray())
        {
            if (!d.TryGetInt64(out dims[i]) || dims[i] < 0)
            {
                throw new CheckpointException($"Corrupt header: tensor '{name}' has an invalid dimension {d}.");
            }

            i++;
        }

        if (!offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin)
        {
            throw new CheckpointException($"Corrupt header: tensor '{name}' has invalid data_offsets {offsets}.");
        }

        return (name, type, dims, begin, end);
    }

    private static long Count(long[] shape)
    {
        long count = 1;
        foreach (long d in shape)
        {
            count = checked(count * d);
        }

        return count;
    }
}
