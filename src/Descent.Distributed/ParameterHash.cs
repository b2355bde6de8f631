using System.Numerics;
using System.Runtime.InteropServices;

namespace Descent.Distributed;

/// <summary>
/// A 64-bit hash of a buffer's exact bits, the same in every process (unlike <see cref="HashCode"/>, which is seeded
/// per process): ranks compare it to detect that their parameters have drifted apart.
/// </summary>
public static class ParameterHash
{
    /// <summary>Hashes the bits of <paramref name="values"/> (so +0 and −0, or two NaN payloads, differ).</summary>
    /// <typeparam name="T">An unmanaged element type.</typeparam>
    /// <param name="values">The buffer.</param>
    /// <returns>The hash.</returns>
    public static ulong Of<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values);
        var words = MemoryMarshal.Cast<byte, ulong>(bytes);

        // FNV-style multiply-xor per 64-bit word with a final avalanche (splitmix64's finaliser): one multiply per
        // 8 bytes, fast enough to run every few steps on a million parameters, and any changed bit changes the hash.
        ulong h = 0xcbf29ce484222325UL ^ (ulong)bytes.Length;
        foreach (ulong w in words)
        {
            h = BitOperations.RotateLeft((h ^ w) * 0x100000001b3UL, 29);
        }

        foreach (byte b in bytes[(words.Length * sizeof(ulong))..])
        {
            h = (h ^ b) * 0x100000001b3UL;
        }

        h ^= h >> 30;
        h *= 0xbf58476d1ce4e5b9UL;
        h ^= h >> 27;
        h *= 0x94d049bb133111ebUL;
        return h ^ (h >> 31);
    }
}
