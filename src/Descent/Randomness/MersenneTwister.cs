using System.Buffers.Binary;

namespace Descent.Randomness;

/// <summary>
/// MT19937 with NumPy's legacy <c>RandomState</c> algorithms on top, so that a seed gives the very numbers
/// <c>np.random.seed(seed)</c> gives: <see cref="NextDouble"/> is <c>random_sample</c>, <see cref="NextInt"/> and, <see cref="NextStandardNormal"/>
/// is the legacy <c>randn</c>/<c>standard_normal</c> and <see cref="NextInt64"/> is <c>randint(0, n)</c> — which is
/// also what <c>np.random.choice(n, size)</c> draws with replacement. The book's experiments reproduce bit for
/// bit with it.
/// </summary>
/// <remarks>
/// The generator is Matsumoto and Nishimura's reference MT19937 (<c>init_genrand</c>, <c>genrand_int32</c>).
/// Doubles take 53 bits from two draws, <c>(a &gt;&gt; 5, b &gt;&gt; 6)</c>. The normal draw is the polar
/// Box–Muller method, which produces two values per accepted pair; the second is cached and returned by the
/// next call, exactly as NumPy's legacy <c>gauss</c> does (the cache is part of the saved state). Integers are
/// drawn by masked rejection: take 32 bits, keep the smallest all-ones mask covering <c>n − 1</c>, retry while
/// the result exceeds <c>n − 1</c> (NumPy's legacy <c>rk_interval</c>; wider ranges use 64 bits from two draws).
/// </remarks>
public sealed class MersenneTwister : IRandomSource
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908b0dfU;
    private const uint UpperMask = 0x80000000U;
    private const uint LowerMask = 0x7fffffffU;
    private const uint StateMagic = 0x3931544D; // "MT19" little-endian

    private readonly uint[] _key = new uint[N];
    private int _position;
    private bool _hasGauss;
    private double _gauss;

    /// <summary>Seeds like <c>np.random.seed(seed)</c> with an integer seed (<c>init_genrand</c>).</summary>
    /// <param name="seed">The seed, 0 to 2³² − 1 as NumPy allows.</param>
    public MersenneTwister(uint seed)
    {
        uint s = seed;
        for (int i = 0; i < N; i++)
        {
            _key[i] = s;
            s = unchecked((1812433253U * (s ^ (s >> 30))) + (uint)i + 1);
        }

        _position = N;
    }

    private MersenneTwister()
    {
    }

    /// <summary>
    /// Seeds from an array of 32-bit words (<c>init_by_array</c>), as <c>np.random.seed([a, b, ...])</c> does.
    /// </summary>
    /// <param name="key">The seed words; at least one.</param>
    /// <returns>The seeded generator.</returns>
    public static MersenneTwister FromArray(ReadOnlySpan<uint> key)
    {
        if (key.IsEmpty)
        {
            throw new ArgumentException("The seed array must hold at least one word.", nameof(key));
        }

        var mt = new MersenneTwister(19650218U);
        uint[] mtKey = mt._key;
        int i = 1, j = 0;
        for (int k = Math.Max(N, key.Length); k > 0; k--)
        {
            mtKey[i] = unchecked((mtKey[i] ^ ((mtKey[i - 1] ^ (mtKey[i - 1] >> 30)) * 1664525U)) + key[j] + (uint)j);
            i++;
            j++;
            if (i >= N)
            {
                mtKey[0] = mtKey[N - 1];
                i = 1;
            }

            if (j >= key.Length)
            {
                j = 0;
            }
        }

        for (int k = N - 1; k > 0; k--)
        {
            mtKey[i] = unchecked((mtKey[i] ^ ((mtKey[i - 1] ^ (mtKey[i - 1] >> 30)) * 1566083941U)) - (uint)i);
            i++;
            if (i >= N)
            {
                mtKey[0] = mtKey[N - 1];
                i = 1;
            }
        }

        mtKey[0] = 0x80000000U; // guarantees a non-zero initial state
        mt._position = N;
        return mt;
    }

    /// <summary>The next raw 32-bit output (<c>genrand_int32</c>).</summary>
    /// <returns>A uniform 32-bit integer.</returns>
    public uint NextUInt32()
    {
        if (_position >= N)
        {
            Generate();
        }

        uint y = _key[_position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680U;
        y ^= (y << 15) & 0xefc60000U;
        y ^= y >> 18;
        return y;
    }

    /// <inheritdoc/>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5;
        uint b = NextUInt32() >> 6;
        return ((a * 67108864.0) + b) / 9007199254740992.0;
    }

    /// <inheritdoc/>
    public double NextStandardNormal()
    {
        if (_hasGauss)
        {
            _hasGauss = false;
            double cached = _gauss;
            _gauss = 0;
            return cached;
        }

        double x1, x2, r2;
        do
        {
            x1 = (2.0 * NextDouble()) - 1.0;
            x2 = (2.0 * NextDouble()) - 1.0;
            r2 = (x1 * x1) + (x2 * x2);
        }
        while (r2 >= 1.0 || r2 == 0.0);

        double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        _gauss = f * x1;
        _hasGauss = true;
        return f * x2;
    }

    /// <inheritdoc/>
    public int NextInt(int maxExclusive) => (int)NextInt64(maxExclusive);

    /// <summary>A uniform integer in [0, <paramref name="exclusiveMax"/>), as NumPy's legacy <c>randint(0, n)</c> draws it.</summary>
    /// <param name="exclusiveMax">The exclusive upper bound, ≥ 1.</param>
    /// <returns>The sample.</returns>
    public long NextInt64(long exclusiveMax)
    {
        Guard.PositiveInt(exclusiveMax, nameof(exclusiveMax));
        ulong max = (ulong)exclusiveMax - 1;
        if (max == 0)
        {
            return 0;
        }

        ulong mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        mask |= mask >> 32;
        ulong value;
        if (max <= uint.MaxValue)
        {
            if (max == uint.MaxValue)
            {
                return NextUInt32();
            }

            do
            {
                value = NextUInt32() & mask;
            }
            while (value > max);
        }
        else
        {
            do
            {
                ulong high = NextUInt32();
                value = ((high << 32) | NextUInt32()) & mask;
            }
            while (value > max);
        }

        return (long)value;
    }

    /// <summary>Fills <paramref name="destination"/> with standard normal draws, in order.</summary>
    /// <param name="destination">Where the values go.</param>
    public void FillGaussian(Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = NextStandardNormal();
        }
    }

    /// <inheritdoc/>
    public byte[] SaveState()
    {
        // magic, key[624], position, hasGauss, gauss
        byte[] state = new byte[4 + (N * 4) + 4 + 4 + 8];
        var span = state.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, StateMagic);
        for (int i = 0; i < N; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[(4 + (4 * i))..], _key[i]);
        }

        int offset = 4 + (4 * N);
        BinaryPrimitives.WriteInt32LittleEndian(span[offset..], _position);
        BinaryPrimitives.WriteInt32LittleEndian(span[(offset + 4)..], _hasGauss ? 1 : 0);
        BinaryPrimitives.WriteDoubleLittleEndian(span[(offset + 8)..], _gauss);
        return state;
    }

    /// <inheritdoc/>
    public void LoadState(ReadOnlySpan<byte> state)
    {
        int expected = 4 + (N * 4) + 4 + 4 + 8;
        if (state.Length != expected || BinaryPrimitives.ReadUInt32LittleEndian(state) != StateMagic)
        {
            throw new ArgumentException($"Not an MT19937 state: expected {expected} bytes starting with the MT19 tag; got {state.Length} bytes.", nameof(state));
        }

        int offset = 4 + (4 * N);
        int position = BinaryPrimitives.ReadInt32LittleEndian(state[offset..]);
        int hasGauss = BinaryPrimitives.ReadInt32LittleEndian(state[(offset + 4)..]);
        if (position is < 0 or > N || hasGauss is not (0 or 1))
        {
            throw new ArgumentException($"Corrupt MT19937 state: position {position} (allowed 0..{N}), gauss flag {hasGauss} (allowed 0 or 1).", nameof(state));
        }

        for (int i = 0; i < N; i++)
        {
            _key[i] = BinaryPrimitives.ReadUInt32LittleEndian(state[(4 + (4 * i))..]);
        }

        _position = position;
        _hasGauss = hasGauss == 1;
        _gauss = BinaryPrimitives.ReadDoubleLittleEndian(state[(offset + 8)..]);
    }

    /// <summary>A generator in the same state as this one, drawing the same numbers from here on.</summary>
    /// <returns>The copy.</returns>
    public MersenneTwister Clone()
    {
        var copy = new MersenneTwister();
        copy.LoadState(SaveState());
        return copy;
    }

    private void Generate()
    {
        uint[] mt = _key;
        int k;
        uint y;
        for (k = 0; k < N - M; k++)
        {
            y = (mt[k] & UpperMask) | (mt[k + 1] & LowerMask);
            mt[k] = mt[k + M] ^ (y >> 1) ^ ((y & 1) * MatrixA);
        }

        for (; k < N - 1; k++)
        {
            y = (mt[k] & UpperMask) | (mt[k + 1] & LowerMask);
            mt[k] = mt[k + M - N] ^ (y >> 1) ^ ((y & 1) * MatrixA);
        }

        y = (mt[N - 1] & UpperMask) | (mt[0] & LowerMask);
        mt[N - 1] = mt[M - 1] ^ (y >> 1) ^ ((y & 1) * MatrixA);
        _position = 0;
    }
}
