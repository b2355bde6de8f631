namespace Descent.Data;

/// <summary>
/// A data file is not what it claims to be: a bad magic number, impossible dimensions, fewer or more
/// bytes than its header declares, corrupt compression, or contents that do not fit the dataset
/// (for example a label outside the class range).
/// </summary>
/// <remarks>
/// The message names the file, what was expected and what was found. Readers throw only this type for
/// bad contents; a missing file or a failing disk still surface as the usual <see cref="IOException"/>s.
/// </remarks>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public DataFormatException()
        : this("The data is not in the expected format.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What was wrong.</param>
    public DataFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The lower-level failure, e.g. a corrupt gzip stream.</param>
    public DataFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception that names the file, what was expected and what was found.</summary>
    /// <param name="source">The file (or stream) name.</param>
    /// <param name="expected">What a valid file has at this point.</param>
    /// <param name="found">What this one has instead.</param>
    /// <param name="innerException">The lower-level failure, if any.</param>
    public DataFormatException(string source, string expected, string found, Exception? innerException = null)
        : base($"{source}: expected {expected}, but found {found}.", innerException)
    {
        FileName = source;
        Expected = expected;
        Found = found;
    }

    /// <summary>The file or stream name, when known.</summary>
    public string? FileName { get; }

    /// <summary>What a valid file has, when the exception was raised with that detail.</summary>
    public string? Expected { get; }

    /// <summary>What the file had instead, when the exception was raised with that detail.</summary>
    public string? Found { get; }
}
