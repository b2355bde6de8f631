using System.Runtime.InteropServices;

namespace Descent.Cli.Lab;

/// <summary>
/// Flush-to-zero for the lab's worker threads. Subnormal arithmetic is very slow on this processor (Adam's second
/// moment decays into that range in float32), so the lab flushes by default and says so. The MXCSR FTZ and DAZ
/// bits are per thread; .NET has no API for them, so this goes through glibc's <c>fegetenv</c>/<c>fesetenv</c>
/// (x86-64 Linux only; elsewhere it reports itself unsupported and changes nothing).
/// </summary>
internal static partial class LabDenormals
{
    private const uint FlushToZero = 0x8000;
    private const uint DenormalsAreZero = 0x0040;

    // glibc's x86-64 fenv_t is 32 bytes with the SSE control/status register (MXCSR) in its last 4.
    private const int EnvironmentBytes = 32;
    private const int MxcsrOffset = 28;

    private static readonly Lazy<bool> Supported = new(() =>
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return false;
        }

        try
        {
            Span<byte> env = stackalloc byte[EnvironmentBytes];
            return GetEnvironment(ref MemoryMarshal.GetReference(env)) == 0;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    });

    public static bool IsSupported => Supported.Value;

    /// <summary>Turns flushing on for the calling thread until the returned scope is disposed (null when unsupported).</summary>
    public static IDisposable? FlushOnThisThread()
    {
        if (!IsSupported)
        {
            return null;
        }

        uint previous = ReadMxcsr();
        WriteMxcsr(previous | FlushToZero | DenormalsAreZero);
        return new Restore(previous);
    }

    /// <summary>Whether the calling thread flushes subnormals now.</summary>
    public static bool IsFlushingOnThisThread => IsSupported && (ReadMxcsr() & (FlushToZero | DenormalsAreZero)) == (FlushToZero | DenormalsAreZero);

    /// <summary>A line for the console: what the lab does with subnormals.</summary>
    public static string Describe(bool requested) =>
        !requested ? "Flush denormals: off (exact IEEE subnormal arithmetic)."
        : IsSupported ? "Flush denormals: on (FTZ/DAZ on the worker threads; --no-flush-denormals for exact IEEE subnormals)."
        : "Flush denormals: requested but unsupported on this platform; running with IEEE subnormals.";

    private static uint ReadMxcsr()
    {
        Span<byte> env = stackalloc byte[EnvironmentBytes];
        _ = GetEnvironment(ref MemoryMarshal.GetReference(env));
        return MemoryMarshal.Read<uint>(env[MxcsrOffset..]);
    }

    private static void WriteMxcsr(uint value)
    {
        Span<byte> env = stackalloc byte[EnvironmentBytes];
        _ = GetEnvironment(ref MemoryMarshal.GetReference(env));
        MemoryMarshal.Write(env[MxcsrOffset..], in value);
        _ = SetEnvironment(ref MemoryMarshal.GetReference(env));
    }

    [LibraryImport("libm.so.6", EntryPoint = "fegetenv")]
    private static partial int GetEnvironment(ref byte environment);

    [LibraryImport("libm.so.6", EntryPoint = "fesetenv")]
    private static partial int SetEnvironment(ref byte environment);

    private sealed class Restore(uint previous) : IDisposable
    {
        public void Dispose() => WriteMxcsr(previous);
    }
}
