using System.Diagnostics;

namespace Descent.Cli.Tests;

/// <summary>
/// Runs the built CLI as a child process: what only a fresh process shows (code first compiled on a
/// flushing thread, signals, kills, two processes racing for one run folder).
/// </summary>
internal static class CliProcess
{
    /// <summary>Starts <c>descent ARGS</c>; output and errors are captured.</summary>
    public static Process Start(params string[] args) => Start(null, args);

    /// <summary>Starts <c>descent ARGS</c> with extra environment variables; output and errors are captured.</summary>
    public static Process Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Descent.Cli.dll"));
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["COLUMNS"] = "200";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("Could not start the CLI.");
    }

    /// <summary>Runs <c>descent ARGS</c> to the end; returns its exit code and everything it printed.</summary>
    public static (int Code, string Output) Run(params string[] args)
    {
        using var process = Start(args);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"descent {string.Join(' ', args)} did not finish in 3 minutes.");
        }

        return (process.ExitCode, output.Result + errors.Result);
    }
}
