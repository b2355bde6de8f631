using System.Diagnostics;
using System.Globalization;

namespace Descent.Cli.Lab;

/// <summary>
/// Kills the process at a named point of the save sequence, for the tests that prove a run survives a kill at
/// any instant: <c>DESCENT_KILL_AT=STAGE@N</c> sends SIGKILL to this process the N-th time STAGE is reached.
/// Inert unless that variable is set.
/// </summary>
internal static class FaultInjection
{
    public const string Variable = "DESCENT_KILL_AT";

    private static readonly (string Stage, int Count)? Target = Parse(Environment.GetEnvironmentVariable(Variable));
    private static int s_reached;

    /// <summary>Marks a point of the save sequence; dies there when it is the configured one.</summary>
    public static void Reach(string stage)
    {
        if (Target is { } target && target.Stage == stage && Interlocked.Increment(ref s_reached) == target.Count)
        {
            using var self = Process.GetCurrentProcess();
            self.Kill();
            Thread.Sleep(Timeout.Infinite);
        }
    }

    private static (string, int)? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        int at = value.LastIndexOf('@');
        return at > 0 && int.TryParse(value[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? (value[..at], n)
            : throw new UsageException($"{Variable}='{value}': expected STAGE@N (N ≥ 1).");
    }
}
