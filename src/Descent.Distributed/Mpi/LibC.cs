using System.Runtime.InteropServices;

namespace Descent.Distributed.Mpi;

/// <summary>glibc's environment, which native libraries read (.NET's <see cref="Environment"/> keeps its own copy).</summary>
internal static partial class LibC
{
    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetEnvironmentNative(string name, string value, int overwrite);

    /// <summary>Sets a variable in the process environment that native code sees.</summary>
    /// <param name="name">The variable.</param>
    /// <param name="value">Its value.</param>
    /// <exception cref="InvalidOperationException">setenv failed.</exception>
    public static void SetEnvironment(string name, string value)
    {
        if (SetEnvironmentNative(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv({name}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }
}
