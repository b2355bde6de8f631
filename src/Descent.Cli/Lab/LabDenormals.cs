using Descent.Numerics;

namespace Descent.Cli.Lab;

/// <summary>
/// The lab's use of <see cref="Denormals"/>: flushing on by default on every worker thread (the setting is per
/// thread), and one line that says what was done.
/// </summary>
internal static class LabDenormals
{
    public static bool IsSupported => Denormals.IsSupported;

    /// <summary>Turns flushing on for the calling thread until the returned scope is disposed (null when unsupported).</summary>
    public static IDisposable? FlushOnThisThread() => Denormals.IsSupported ? Denormals.Flush() : null;

    /// <summary>A line for the console: what the lab does with subnormals.</summary>
    public static string Describe(bool requested) =>
        !requested ? "Flush denormals: off (exact IEEE subnormal arithmetic)."
        : IsSupported ? "Flush denormals: on (FTZ/DAZ on the worker threads; --no-flush-denormals for exact IEEE subnormals)."
        : "Flush denormals: requested but unsupported on this platform; running with IEEE subnormals.";
}
