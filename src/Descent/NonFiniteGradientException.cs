namespace Descent;

/// <summary>
/// Gradients held NaN or ∞ where the caller asked for an error instead of a silently diverging run
/// (clipping with <c>errorIfNonFinite</c>, or too many skipped steps in a row in an update pipeline).
/// </summary>
public sealed class NonFiniteGradientException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    public NonFiniteGradientException()
        : base("The gradients hold NaN or infinity.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was non-finite and what to do about it.</param>
    public NonFiniteGradientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What was non-finite.</param>
    /// <param name="innerException">The cause.</param>
    public NonFiniteGradientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
