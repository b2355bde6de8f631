using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Descent.Data;

/// <summary>
/// Reads and writes NumPy's <c>.npy</c> format (what <c>np.save</c> writes), versions 1.0 to 3.0, for the element
/// types <c>uint8</c>, <c>int32</c>, <c>int64</c>, <c>float32</c> and <c>float64</c> in C order.
/// </summary>
/// <remarks>
/// <para>Layout (NEP 1): the magic <c>\x93NUMPY</c>, a major and a minor version byte, the header's length
/// (2 bytes little-endian in version 1, 4 bytes in 2 and 3), then the header — a Python dict literal such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (150, 4), }</c> — then the elements.</para>
/// <para>Anything else — another dtype (float16, bool, strings, objects, structured), Fortran order, an
/// <c>.npz</c> archive, a header or payload shorter or longer than declared — raises
/// <see cref="DataFormatException"/> naming the file, the byte offset, what was expected and what was found,
/// before any buffer of the claimed size is allocated.</para>
/// </remarks>
public static class NpyFile
{
    private const int PreludeLength = 8; // magic (6) + version (2)

    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a <c>.npy</c> file.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>Its contents.</returns>
    /// <exception cref="DataFormatException">The file is not a supported <c>.npy</c> file.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static NpyArray Read(string path) => DataStreams.ReadFile(path, Read);

    /// <summary>Reads a <c>.npy</c> file from a stream positioned at its start.</summary>
    /// <param name="stream">The stream; read to its end, not disposed.</param>
    /// <param name="sourceName">The name error messages give the data, e.g. its file name.</param>
    /// <returns>The contents.</returns>
    /// <exception cref="DataFormatException">The data is not a supported <c>.npy</c> file.</exception>
    public static NpyArray Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        long? length = stream.CanSeek ? stream.Length - stream.Position : null;

        Span<byte> prelude = stackalloc byte[PreludeLength];
        int got = DataStreams.ReadAtMost(stream, prelude);
        if (got == 0)
        {
            throw new DataFormatException(sourceName, "a NumPy .npy file (starting with the magic \\x93NUMPY)", "an empty file");
        }

        if (got < Magic.Length || !prelude[..Magic.Length].SequenceEqual(Magic))
        {
            string kind = got >= 2 && prelude[0] == (byte)'P' && prelude[1] == (byte)'K'
                ? "a zip archive (an .npz file: save each array with np.save instead)"
                : $"{DataStreams.Hex(prelude[..Math.Min(got, Magic.Length)])} (not a .npy file)";
            throw new DataFormatException(sourceName, "the .npy magic \\x93NUMPY at offset 0", kind);
        }

        if (got < PreludeLength)
        {
            throw new DataFormatException(sourceName, "a version (2 bytes) at offset 6", "the end of the file (truncated)");
        }

        byte major = prelude[6], minor = prelude[7];
        if (major is < 1 or > 3)
        {
            throw new DataFormatException(sourceName, "format version 1.0, 2.0 or 3.0 at offset 6", $"version {major}.{minor}");
        }

        int sizeBytes = major == 1 ? 2 : 4;
        Span<byte> sizeField = stackalloc byte[sizeBytes];
        if (DataStreams.ReadAtMost(stream, sizeField) < sizeBytes)
        {
            throw new DataFormatException(sourceName, $"the header length ({sizeBytes} bytes) at offset {PreludeLength}", "the end of the file (truncated)");
        }

        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(sizeField) : BinaryPrimitives.ReadUInt32LittleEndian(sizeField);
        int headerOffset = PreludeLength + sizeBytes;
        if (headerLength > 1 << 20 || (length is long total && headerOffset + headerLength > total))
        {
            string found = length is long n ? $"a file of {n} bytes" : "a length beyond any .npy header";
            throw new DataFormatException(sourceName, $"a header of {headerLength} bytes at offset {headerOffset}", $"{found} (truncated or not a .npy file)");
        }

        var headerBytes = new byte[headerLength];
        int headerGot = DataStreams.ReadAtMost(stream, headerBytes);
        if (headerGot < headerLength)
        {
            throw new DataFormatException(sourceName, $"a header of {headerLength} bytes at offset {headerOffset}", $"only {headerGot} (truncated)");
        }

        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        var (type, bigEndian, shape) = ParseHeader(header, sourceName, headerOffset);

        long count = 1;
        foreach (int size in shape)
        {
            count *= size;
            if (count * NpyArray.SizeOf(type) > Array.MaxLength)
            {
                throw new DataFormatException(sourceName, $"at most {Array.MaxLength} data bytes", $"a header claiming shape {NpyArray.ShapeTextOf(shape)} of {NpyArray.TypeNameOf(type)}");
            }
        }

        long dataOffset = headerOffset + headerLength;
        int claimed = (int)(count * NpyArray.SizeOf(type));
        string what = $"{claimed} data bytes for shape {NpyArray.ShapeTextOf(shape)} of {NpyArray.TypeNameOf(type)} at offset {dataOffset}";
        if (length is long fileLength && fileLength - dataOffset != claimed)
        {
            long available = fileLength - dataOffset;
            throw new DataFormatException(sourceName, what, available < claimed
                ? $"only {available} (the file ends at offset {fileLength}: truncated)"
                : $"{available} ({available - claimed} extra bytes after the data)");
        }

        byte[] data = DataStreams.ReadPayload(stream, claimed, length is not null, sourceName, what);
        if (DataStreams.ReadAtMost(stream, stackalloc byte[1]) != 0)
        {
            throw new DataFormatException(sourceName, what, "extra bytes after them");
        }

        if (bigEndian)
        {
            SwapBytes(data, NpyArray.SizeOf(type));
        }

        return new NpyArray(type, shape, data);
    }

    /// <summary>Writes a <c>.npy</c> file (version 1.0, little-endian, C order), as <c>np.save</c> does.</summary>
    /// <param name="path">The destination (overwritten).</param>
    /// <param name="array">The contents.</param>
    public static void Write(string path, NpyArray array)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        Write(stream, array);
    }

    /// <summary>Writes a <c>.npy</c> file (version 1.0, little-endian, C order) to a stream.</summary>
    /// <param name="stream">The destination; not disposed.</param>
    /// <param name="array">The contents.</param>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        string shape = array.Shape.Length == 0 ? "()" : array.ShapeText;
        string header = $"{{'descr': '{Descr(array.ElementType)}', 'fortran_order': False, 'shape': {shape}, }}";

        // NumPy pads with spaces so that the data starts on a 64-byte boundary, and ends the header with a newline.
        int unpadded = PreludeLength + 2 + header.Length + 1;
        header += new string(' ', (64 - (unpadded % 64)) % 64) + "\n";
        Span<byte> prelude = stackalloc byte[PreludeLength + 2];
        Magic.CopyTo(prelude);
        prelude[6] = 1;
        prelude[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(prelude[8..], (ushort)header.Length);
        stream.Write(prelude);
        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(array.RawData);
    }

    private static string Descr(NpyElementType type) => type switch
    {
        NpyElementType.UInt8 => "|u1",
        NpyElementType.Int32 => "<i4",
        NpyElementType.Int64 => "<i8",
        NpyElementType.Float32 => "<f4",
        _ => "<f8",
    };

    private static (NpyElementType Type, bool BigEndian, int[] Shape) ParseHeader(string header, string name, int offset)
    {
        var parser = new HeaderParser(header, name, offset);
        Dictionary<string, object> fields = parser.ParseDict();
        object Get(string key) => fields.TryGetValue(key, out var v)
            ? v
            : throw new DataFormatException(name, $"a header dict with the key '{key}' (at offset {offset})", $"the keys {string.Join(", ", fields.Keys.Select(k => $"'{k}'"))}");

        object descr = Get("descr");
        if (descr is not string code)
        {
            throw new DataFormatException(name, "a simple dtype in 'descr' (float32, float64, uint8, int32 or int64)", "a structured dtype (a list of fields)");
        }

        var (type, bigEndian) = ParseDescr(code, name);
        if (Get("fortran_order") is not bool fortran)
        {
            throw new DataFormatException(name, "True or False for 'fortran_order'", "another value");
        }

        if (fortran)
        {
            throw new DataFormatException(name, "'fortran_order': False (C order)", "'fortran_order': True (save np.ascontiguousarray(a) instead)");
        }

        if (Get("shape") is not int[] shape)
        {
            throw new DataFormatException(name, "a tuple of sizes for 'shape', e.g. (150, 4)", "another value");
        }

        return (type, bigEndian, shape);
    }

    private static (NpyElementType Type, bool BigEndian) ParseDescr(string code, string name)
    {
        string allowed = "float32, float64, uint8, int32 or int64 ('<f4', '<f8', '|u1', '<i4', '<i8')";
        if (code.Length < 2)
        {
            throw new DataFormatException(name, $"'descr' {allowed}", $"'{code}'");
        }

        char order = code[0];
        string kind = code[1..];
        if (order is not ('<' or '>' or '|' or '='))
        {
            order = '=';
            kind = code;
        }

        NpyElementType? type = kind switch
        {
            "u1" or "B" => NpyElementType.UInt8,
            "i4" => NpyElementType.Int32,
            "i8" => NpyElementType.Int64,
            "f4" => NpyElementType.Float32,
            "f8" => NpyElementType.Float64,
            _ => null,
        };
        if (type is null)
        {
            throw new DataFormatException(name, $"'descr' {allowed}", $"'{code}' ({Describe(kind)}); convert with a.astype(np.float32)");
        }

        bool big = order == '>' || (order == '=' && !BitConverter.IsLittleEndian);
        return (type.Value, big && NpyArray.SizeOf(type.Value) > 1);
    }

    private static string Describe(string kind) => kind.Length == 0 ? "no type" : kind[0] switch
    {
        'f' => "a float of another size",
        'i' => "an integer of another size",
        'u' => "an unsigned integer of another size",
        'b' or '?' => "bool",
        'c' => "complex",
        'U' or 'S' or 'a' => "strings",
        'O' => "Python objects",
        'M' or 'm' => "dates or times",
        'V' => "raw bytes",
        _ => "an unknown type",
    };

    private static void SwapBytes(byte[] data, int size)
    {
        for (int i = 0; i < data.Length; i += size)
        {
            data.AsSpan(i, size).Reverse();
        }
    }

    /// <summary>
    /// The subset of Python literal syntax <c>np.save</c> writes in a header: a dict of string keys whose values
    /// are strings, True/False, tuples of integers, or (structured dtypes) lists, which are recognised and refused.
    /// </summary>
    private sealed class HeaderParser(string text, string name, int offset)
    {
        private int _position;

        public Dictionary<string, object> ParseDict()
        {
            var fields = new Dictionary<string, object>(StringComparer.Ordinal);
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (Peek() == '}')
                {
                    _position++;
                    return fields;
                }

                string key = ParseString();
                Expect(':');
                fields[key] = ParseValue();
                SkipSpace();
                if (Peek() == ',')
                {
                    _position++;
                    continue;
                }

                Expect('}');
                return fields;
            }
        }

        private object ParseValue()
        {
            SkipSpace();
            char c = Peek();
            if (c is '\'' or '"')
            {
                return ParseString();
            }

            if (c == '(')
            {
                return ParseShape();
            }

            if (c == '[')
            {
                SkipBracketed('[', ']');
                return new object();
            }

            foreach (var (word, value) in new[] { ("True", true), ("False", false) })
            {
                if (string.CompareOrdinal(text, _position, word, 0, word.Length) == 0)
                {
                    _position += word.Length;
                    return value;
                }
            }

            throw Error("a string, True, False or a tuple");
        }

        private int[] ParseShape()
        {
            Expect('(');
            var sizes = new List<int>();
            while (true)
            {
                SkipSpace();
                if (Peek() == ')')
                {
                    _position++;
                    return [.. sizes];
                }

                int start = _position;
                while (_position < text.Length && char.IsAsciiDigit(text[_position]))
                {
                    _position++;
                }

                if (_position == start || !int.TryParse(text.AsSpan(start, _position - start), NumberStyles.None, CultureInfo.InvariantCulture, out int size))
                {
                    throw Error($"a dimension size from 0 to {int.MaxValue}");
                }

                if (_position < text.Length && text[_position] == 'L')
                {
                    _position++; // Python 2's long suffix
                }

                sizes.Add(size);
                SkipSpace();
                if (Peek() == ',')
                {
                    _position++;
                }
                else if (Peek() != ')')
                {
                    throw Error("',' or ')' in the shape");
                }
            }
        }

        private string ParseString()
        {
            SkipSpace();
            char quote = Peek();
            if (quote is not ('\'' or '"'))
            {
                throw Error("a quoted key or string");
            }

            int end = text.IndexOf(quote, _position + 1);
            if (end < 0)
            {
                throw Error("a closing quote");
            }

            string value = text[(_position + 1)..end];
            _position = end + 1;
            return value;
        }

        private void SkipBracketed(char open, char close)
        {
            int depth = 0;
            do
            {
                if (_position >= text.Length)
                {
                    throw Error($"a closing '{close}'");
                }

                depth += text[_position] == open ? 1 : text[_position] == close ? -1 : 0;
                _position++;
            }
            while (depth > 0);
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c)
            {
                throw Error($"'{c}'");
            }

            _position++;
        }

        private char Peek() => _position < text.Length ? text[_position] : '\0';

        private void SkipSpace()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        private DataFormatException Error(string expected)
        {
            string found = _position >= text.Length ? "the end of the header" : $"'{Snippet()}'";
            return new DataFormatException(name, $"{expected} in the header at offset {offset + _position}", found);
        }

        private string Snippet() => text.Substring(_position, Math.Min(12, text.Length - _position)).ReplaceLineEndings(" ");
    }
}
