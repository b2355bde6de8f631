using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Descent.Cli.Lab;

/// <summary>
/// Wall time per phase of a lab command (<c>--timings</c>): start-up (process start to the command's first line of
/// work: runtime start, assembly loading, parsing), then each phase the command names, and the peak resident memory.
/// </summary>
internal sealed class PhaseTimings
{
    /// <summary>The line's prefix; <c>descent bench</c> reads the line back from a child process.</summary>
    public const string Prefix = "timings:";

    private readonly List<(string Phase, double Ms)> _phases = [];
    private readonly long _created = Stopwatch.GetTimestamp();

    /// <summary>Starts the clock at the command's first line of work, recording the start-up before it.</summary>
    public PhaseTimings()
    {
        using var self = Process.GetCurrentProcess();
        StartupMs = Math.Max(0, (DateTime.Now - self.StartTime).TotalMilliseconds);
    }

    /// <summary>Milliseconds from process start to this object's creation.</summary>
    public double StartupMs { get; }

    /// <summary>Runs <paramref name="body"/> as phase <paramref name="phase"/> (times add up if a phase repeats).</summary>
    public T Time<T>(string phase, Func<T> body)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            return body();
        }
        finally
        {
            Add(phase, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }

    /// <inheritdoc cref="Time{T}(string, Func{T})"/>
    public void Time(string phase, Action body) => Time(phase, () =>
    {
        body();
        return 0;
    });

    /// <summary>Peak resident set in MB: Linux's VmHWM, else the runtime's peak working set.</summary>
    public static double PeakRssMb()
    {
        try
        {
            if (File.Exists("/proc/self/status"))
            {
                foreach (string line in File.ReadLines("/proc/self/status"))
                {
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    {
                        return double.Parse(line["VmHWM:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) / 1024;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            // Fall through to the runtime's own figure.
        }

        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64 / (1024.0 * 1024.0);
    }

    /// <summary>One line: <c>timings: startup_ms=… PHASE_ms=… total_ms=… rss_mb=…</c> (total from process start).</summary>
    public string Line()
    {
        var line = new StringBuilder(Prefix);
        line.Append(CultureInfo.InvariantCulture, $" startup_ms={StartupMs:F0}");
        foreach (var (phase, ms) in _phases)
        {
            line.Append(CultureInfo.InvariantCulture, $" {phase}_ms={ms:F0}");
        }

        double total = StartupMs + Stopwatch.GetElapsedTime(_created).TotalMilliseconds;
        line.Append(CultureInfo.InvariantCulture, $" total_ms={total:F0} rss_mb={PeakRssMb():F0}");
        return line.ToString();
    }

    /// <summary>Reads a <see cref="Line"/> back: phase (or startup, total, rss) → value.</summary>
    public static Dictionary<string, double> Parse(string line)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string field in line[(line.IndexOf(Prefix, StringComparison.Ordinal) + Prefix.Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && double.TryParse(field[(equals + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                values[field[..equals]] = value;
            }
        }

        return values;
    }

    private void Add(string phase, double ms)
    {
        int at = _phases.FindIndex(p => p.Phase == phase);
        if (at < 0)
        {
            _phases.Add((phase, ms));
        }
        else
        {
            _phases[at] = (phase, _phases[at].Ms + ms);
        }
    }
}
