using System.Buffers.Binary;

namespace Descent.Randomness;

/// <summary>
/// The default <see cref="IRandomSource"/>: xoshiro256** (Blackman and Vigna) seeded through SplitMix64,
/// with normals from the Marsaglia polar method (the second value of each pair cached, as NumPy does).
/// Small, fast, and its whole state fits in a checkpoint, which <see cref="Random"/> does not allow.
/// </summary>
public sealed class SeededRandom : IRandomSource
{
    private const int StateBytes = (4 * sizeof(ulong)) + 1 + sizeof(double);
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private bool _hasCachedNormal;
    private double _cachedNormal;

    /// <summary>Creates the generator from a seed; equal seeds give equal streams.</summary>
    /// <param name="seed">Any 64-bit value.</param>
    public SeededRandom(long seed)
    {
        ulong x = unchecked((ulong)seed);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <inheritdoc/>
    public double NextStandardNormal()
    {
        if (_hasCachedNormal)
        {
            _hasCachedNormal = false;
            return _cachedNormal;
        }

        double u, v, s;
        do
        {
            u = (2 * NextDouble()) - 1;
            v = (2 * NextDouble()) - 1;
            s = (u * u) + (v * v);
        }
        while (s >= 1 || s == 0);

        double f = Math.Sqrt(-2 * Math.Log(s) / s);
        _cachedNormal = u * f;
        _hasCachedNormal = true;
        return v * f;
    }

    /// <inheritdoc/>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <inheritdoc/>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxExclusive, 1);

        // Lemire's multiply-shift with rejection: unbiased for every bound.
        ulong bound = (ulong)maxExclusive;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong product = Math.BigMul(NextUInt64(), bound, out ulong low);
            if (low >= threshold)
            {
                return (int)product;
            }
        }
    }

    /// <inheritdoc/>
    public byte[] SaveState()
    {
        byte[] bytes = new byte[StateBytes];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt64LittleEndian(span, _s0);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], _s1);
        BinaryPrimitives.WriteUInt64LittleEndian(span[16..], _s2);
        BinaryPrimitives.WriteUInt64LittleEndian(span[24..], _s3);
        span[32] = _hasCachedNormal ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteDoubleLittleEndian(span[33..], _cachedNormal);
        return bytes;
    }

    /// <inheritdoc/>
    public void LoadState(ReadOnlySpan<byte> state)
    {
        if (state.Length != StateBytes || state[32] > 1)
        {
            throw new ArgumentException($"A {nameof(SeededRandom)} state is {StateBytes} bytes with a 0/1 flag at byte 32; got {state.Length} bytes.", nameof(state));
        }

        ulong s0 = BinaryPrimitives.ReadUInt64LittleEndian(state);
        ulong s1 = BinaryPrimitives.ReadUInt64LittleEndian(state[8..]);
        ulong s2 = BinaryPrimitives.ReadUInt64LittleEndian(state[16..]);
        ulong s3 = BinaryPrimitives.ReadUInt64LittleEndian(state[24..]);
        if ((s0 | s1 | s2 | s3) == 0)
        {
            throw new ArgumentException("An all-zero xoshiro256** state is invalid (the generator would emit zeros forever).", nameof(state));
        }

        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
        _hasCachedNormal = state[32] == 1;
        _cachedNormal = BinaryPrimitives.ReadDoubleLittleEndian(state[33..]);
    }

    private ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
