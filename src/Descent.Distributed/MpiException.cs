namespace Descent.Distributed;

/// <summary>An MPI call failed; the message holds MPI's own error string and the call that failed.</summary>
public sealed class MpiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MpiException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public MpiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public MpiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a failed call.</summary>
    /// <param name="call">The MPI function.</param>
    /// <param name="errorCode">Its return code.</param>
    /// <param name="errorText">MPI's description of the code.</param>
    public MpiException(string call, int errorCode, string errorText)
        : base($"{call} failed (MPI error {errorCode}): {errorText}")
    {
        ErrorCode = errorCode;
    }

    /// <summary>MPI's error code (0 when the failure was not an MPI return code).</summary>
    public int ErrorCode { get; }
}
