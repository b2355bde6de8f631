namespace Descent.Cli.Data;

/// <summary>All mirrors failed for a file; the message lists what went wrong with each.</summary>
internal sealed class DownloadException : Exception
{
    public DownloadException()
    {
    }

    public DownloadException(string message)
        : base(message)
    {
    }

    public DownloadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
