using System.Diagnostics;

namespace Descent.Testing;

/// <summary>
/// Runs a .NET program from the test's output folder under <c>mpiexec -n N</c> (MPI starts once per process, so MPI
/// tests run in fresh processes) and captures what it printed, its exit code and the files it left in its folder.
/// </summary>
internal sealed record MpiJob(int ExitCode, string Output, string Folder, TimeSpan Elapsed)
{
    /// <summary>Hydra's own limit on the job (MPIEXEC_TIMEOUT); the test's wait is a little longer, as a backstop.</summary>
    public const int TimeoutSeconds = 60;

    /// <summary>Runs the distributed tests' worker: <c>worker SCENARIO FOLDER</c>.</summary>
    public static MpiJob Run(string scenario, int ranks = 2) =>
        Run("Descent.Distributed.Worker.dll", ranks, folder => [scenario, folder]);

    /// <summary>Runs <paramref name="assembly"/> (in the test's output folder) on <paramref name="ranks"/> ranks with a fresh folder for its files.</summary>
    public static MpiJob Run(string assembly, int ranks, Func<string, IEnumerable<string>> arguments)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"descent-mpi-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var start = new ProcessStartInfo(Mpiexec())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (string arg in (string[])["-n", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), Dotnet(), Path.Combine(AppContext.BaseDirectory, assembly), .. arguments(folder)])
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
            throw new TimeoutException($"mpiexec {assembly} did not end within {TimeoutSeconds + 30} s (MPIEXEC_TIMEOUT={TimeoutSeconds} should have ended it).");
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
