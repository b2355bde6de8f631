using System.Diagnostics;
using System.Globalization;
using Descent.Cli.Lab;

namespace Descent.Cli.Bench;

/// <summary>Where the time of <c>descent compare</c> went, end to end, as a user's run spends it.</summary>
/// <param name="Seconds">Process start to the end of the work (the command's own clock).</param>
/// <param name="StartupMs">Process start to the command's first line of work.</param>
/// <param name="TwoDMs">The 2-D trajectories (figure 6-8).</param>
/// <param name="TrainMs">Loading the data and training the four optimizers (figure 6-9).</param>
/// <param name="SaveMs">Writing the data files.</param>
/// <param name="PlotsMs">Drawing the figures.</param>
/// <param name="ReportMs">Writing report.html.</param>
/// <param name="RssMb">Peak resident memory.</param>
internal sealed record CompareBreakdown(double Seconds, double StartupMs, double TwoDMs, double TrainMs, double SaveMs, double PlotsMs, double ReportMs, double RssMb);

/// <summary>
/// Runs <c>descent compare --timings</c> as a fresh child process of this same build (start-up and peak memory only
/// mean something for a whole process) into a temporary folder, and reads its timings line back.
/// </summary>
internal static class CompareTimer
{
    public static CompareBreakdown Run(int? iterations, TextWriter progress)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"descent-bench-compare-{Guid.NewGuid():N}");
        var info = StartInfo();
        foreach (string arg in (string[])["compare", "--timings", "--out", folder])
        {
            info.ArgumentList.Add(arg);
        }

        if (iterations is int n)
        {
            info.ArgumentList.Add("--iterations");
            info.ArgumentList.Add(n.ToString(CultureInfo.InvariantCulture));
        }

        try
        {
            using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start descent compare.");
            var errors = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            string? line = output.Split('\n').LastOrDefault(l => l.StartsWith(PhaseTimings.Prefix, StringComparison.Ordinal));
            if (process.ExitCode != 0 || line is null)
            {
                throw new InvalidOperationException(
                    $"descent compare (run by the bench) exited with {process.ExitCode} and no timings line. Its output:\n{output}{errors.Result}");
            }

            var t = PhaseTimings.Parse(line);
            double Get(string key) => t.TryGetValue(key, out double v) ? v : 0;
            progress.WriteLine("bench: compare " + line);
            return new CompareBreakdown(Get("total_ms") / 1e3, Get("startup_ms"), Get("2d_ms"), Get("train_ms"), Get("save_ms"), Get("plots_ms"), Get("report_ms"), Get("rss_mb"));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>This build's own executable: the app host beside the assembly where there is one, else <c>dotnet Descent.Cli.dll</c>.</summary>
    private static ProcessStartInfo StartInfo()
    {
        string assembly = typeof(CompareTimer).Assembly.Location;
        string host = Path.ChangeExtension(assembly, OperatingSystem.IsWindows() ? ".exe" : null);
        var info = File.Exists(host)
            ? new ProcessStartInfo(host)
            : new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { ArgumentList = { assembly } };
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        return info;
    }
}
