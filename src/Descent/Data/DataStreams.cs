namespace Descent.Data;

/// <summary>The stream reading the binary formats share (IDX, .npy): nothing a header claims is trusted for memory.</summary>
internal static class DataStreams
{
    /// <summary>Opens <paramref name="path"/> and reads it with <paramref name="read"/>, which names the data by the path in its errors.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static TResult ReadFile<TResult>(string path, Func<Stream, string, TResult> read)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return read(stream, path);
    }

    // An unverified length starts the buffer at this size and doubles it as data arrives, so a lying header
    // costs at most twice the bytes really present.
    private const int InitialChunk = 1 << 16;

    /// <summary>Reads exactly <paramref name="claimed"/> bytes, or throws saying how many arrived.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="claimed">The bytes the header declares.</param>
    /// <param name="lengthVerified">True when the file's length was checked against the claim, so it can be allocated at once.</param>
    /// <param name="name">The file's name, for the message.</param>
    /// <param name="expected">What the bytes are, for the message (e.g. "24 data bytes for shape (2, 3) of float32").</param>
    /// <exception cref="DataFormatException">The stream ends first.</exception>
    public static byte[] ReadPayload(Stream stream, int claimed, bool lengthVerified, string name, string expected)
    {
        byte[] buffer = new byte[lengthVerified ? claimed : Math.Min(claimed, InitialChunk)];
        int filled = 0;
        while (filled < claimed)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(claimed, 2L * buffer.Length));
            }

            int read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                throw new DataFormatException(name, expected, $"only {filled} (truncated)");
            }

            filled += read;
        }

        return buffer;
    }

    /// <summary>Fills <paramref name="buffer"/> as far as the stream goes.</summary>
    /// <returns>The bytes read: fewer than the buffer's length only at the end of the stream.</returns>
    public static int ReadAtMost(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = stream.Read(buffer[total..]);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    /// <summary>Bytes as <c>0x1F 0x8B …</c>, for messages about a wrong magic number.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => string.Join(' ', bytes.ToArray().Select(b => $"0x{b:X2}"));
}
