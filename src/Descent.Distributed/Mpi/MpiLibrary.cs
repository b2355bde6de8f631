using System.Reflection;
using System.Runtime.InteropServices;

namespace Descent.Distributed.Mpi;

/// <summary>
/// Finds the MPI shared library: the path in <c>DESCENT_MPI_LIBRARY</c> if set, else <c>libmpich.so.12</c>, else
/// <c>libmpi.so.12</c> (MPICH's other soname, used by derived builds such as Intel MPI and Cray MPICH). Never a bare
/// <c>libmpi.so</c>: on Debian that name is an alternatives link that may point to Open MPI, whose ABI differs.
/// </summary>
internal static class MpiLibrary
{
    /// <summary>The environment variable naming the library file explicitly.</summary>
    public const string PathVariable = "DESCENT_MPI_LIBRARY";

    private static readonly string[] Candidates = ["libmpich.so.12", "libmpi.so.12"];
    private static readonly Lock Gate = new();
    private static bool s_registered;
    private static string? s_loadedFrom;

    /// <summary>Where the library was loaded from (null before the first MPI call).</summary>
    public static string? LoadedFrom => s_loadedFrom;

    /// <summary>Makes <see cref="MpichNative"/>'s imports resolve to the library; idempotent.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (!s_registered)
            {
                NativeLibrary.SetDllImportResolver(typeof(MpiLibrary).Assembly, Resolve);
                s_registered = true;
            }
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != MpichNative.Library)
        {
            return 0;
        }

        string? explicitPath = Environment.GetEnvironmentVariable(PathVariable);
        string[] tried = explicitPath is { Length: > 0 } ? [explicitPath] : Candidates;
        foreach (string candidate in tried)
        {
            if (NativeLibrary.TryLoad(candidate, out nint handle))
            {
                s_loadedFrom = candidate;
                return handle;
            }
        }

        throw new DllNotFoundException(
            $"No MPI library found (tried {string.Join(", ", tried)}). Install MPICH (Debian/Ubuntu: apt-get install mpich) "
            + $"or set {PathVariable} to the full path of an MPICH-ABI libmpi.");
    }
}
