using System.Diagnostics;

namespace Descent.Distributed.Tests;

/// <summary>Runs the worker under <c>mpiexec -n N</c> and captures what it printed, its exit code and its files.</summary>
internal sealed record MpiJob(int ExitCode, string Output, string Folder, TimeSpan Elapsed)
{
    /// <summary>Hydra's own limit on the job (MPIEXEC_TIMEOUT); the test's wait is a little longer, as a backstop.</summary>
    public const int TimeoutSeconds = 60;

    public static MpiJob Run(string scenario, int ranks = 2)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"descent-mpi-{scenario}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        string worker = Path.Combine(AppContext.BaseDirectory, "Descent.Distributed.Worker.dll");
        var start = new ProcessStartInfo(Mpiexec())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])["-n", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), Dotnet(), worker, scenario, folder])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["MPIEXEC_TIMEOUT"] = TimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Two ranks share this machine's cores; each should not also start a thread per core.
        start.Environment["DOTNET_PROCESSOR_COUNT"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("mpiexec did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(TimeoutSeconds + 30)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mpiexec {scenario} did not end within {TimeoutSeconds + 30} s (MPIEXEC_TIMEOUT={TimeoutSeconds} should have ended it).");
        }

        return new MpiJob(process.ExitCode, stdout.Result + stderr.Result, folder, clock.Elapsed);
    }

    public byte[] File(string name)
    {
        string path = Path.Combine(Folder, name);
        return System.IO.File.Exists(path)
            ? System.IO.File.ReadAllBytes(path)
            : throw new FileNotFoundException($"The worker did not write {name} (exit {ExitCode}). Its output:\n{Output}", path);
    }

    public float[] Floats(string name) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File(name)).ToArray();

    private static string Mpiexec()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, "mpiexec");
            if (dir.Length > 0 && System.IO.File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("mpiexec is not on PATH: the MPI tests need MPICH (apt-get install mpich; .ci/run installs it).");
    }

    private static string Dotnet() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "dotnet";
}
