namespace Descent.Cli.Lab;

/// <summary>An option value the lab cannot use; the message names the option, the value and what is allowed.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public UsageException()
    {
    }

    /// <summary>An exception's message without the " (Parameter 'x')" suffix .NET appends to argument errors.</summary>
    public static string Clean(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string message = e.Message;
        if (e is ArgumentException { ParamName: { } name })
        {
            // ArgumentOutOfRangeException appends "\nActual value was …" after the parameter suffix.
            int actual = message.IndexOf("\nActual value was", StringComparison.Ordinal);
            if (actual >= 0)
            {
                message = message[..actual];
            }

            string suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message[..^suffix.Length];
            }
        }

        return message;
    }
}
