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
}
