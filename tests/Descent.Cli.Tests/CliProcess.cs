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
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var info = new ProcessStartInfo(DefaultSigint.Value ? "env" : dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (DefaultSigint.Value)
        {
            info.ArgumentList.Add("--default-signal=INT");
            info.ArgumentList.Add(dotnet);
        }

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

    /// <summary>Sends <paramref name="signal"/> (INT, TERM, ...) to the process, as <c>kill -SIGNAL</c> does.</summary>
    public static void Signal(Process process, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits (up to 2 minutes) until <paramref name="condition"/> holds; fails if the process ends first.</summary>
    public static void WaitFor(Func<bool> condition, Process process)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.False(process.HasExited, "the run ended before the test could act on it");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "the run did not get there in 2 minutes");
            Thread.Sleep(50);
        }
    }

    /// <summary>
    /// Whether children can be started with SIGINT at its default: a test run started in the background by a
    /// non-interactive shell inherits SIGINT ignored, .NET keeps an ignored SIGINT ignored, and Ctrl-C (kill -INT)
    /// would then never reach the CLI. GNU env's --default-signal restores it for the child.
    /// </summary>
    private static readonly Lazy<bool> DefaultSigint = new(() =>
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            using var probe = Process.Start(new ProcessStartInfo("env", ["--default-signal=INT", "true"]) { RedirectStandardError = true, UseShellExecute = false });
            return probe is not null && probe.WaitForExit(TimeSpan.FromSeconds(30)) && probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

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
