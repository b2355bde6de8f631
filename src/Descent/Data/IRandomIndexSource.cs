namespace Descent.Data;

/// <summary>
/// A source of uniform random integers in <c>[0, n)</c>: what mini-batch sampling and shuffling draw from.
/// </summary>
/// <remarks>
/// Pluggable so a run can use a NumPy-compatible stream (to reproduce the book's
/// <c>np.random.choice(train_size, batch_size)</c> draw for draw) or the seeded default,
/// <see cref="SeededRandomIndexSource"/>.
/// </remarks>
public interface IRandomIndexSource
{
    /// <summary>Draws one integer uniformly from <c>[0, exclusiveMax)</c>.</summary>
    /// <param name="exclusiveMax">The number of possible values, ≥ 1.</param>
    /// <returns>The draw.</returns>
    int Next(int exclusiveMax);

    /// <summary>
    /// Fills <paramref name="destination"/> with independent draws from <c>[0, exclusiveMax)</c>, in order —
    /// by default one <see cref="Next"/> per element, as NumPy's <c>choice(n, size)</c> consumes its stream.
    /// </summary>
    /// <param name="destination">Where the draws go.</param>
    /// <param name="exclusiveMax">The number of possible values, ≥ 1.</param>
    void Fill(Span<int> destination, int exclusiveMax)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = Next(exclusiveMax);
        }
    }
}

/// <summary>The default index source: <see cref="Random"/> seeded, so every run with the same seed draws the same indices.</summary>
/// <param name="seed">The seed.</param>
public sealed class SeededRandomIndexSource(int seed) : IRandomIndexSource
{
    // Random(int) uses the seeded legacy algorithm, whose sequence .NET keeps stable across versions.
    private readonly Random _random = new(seed);

    /// <summary>The seed this source started from.</summary>
    public int Seed { get; } = seed;

    /// <inheritdoc/>
    public int Next(int exclusiveMax)
    {
        Guard.PositiveInt(exclusiveMax, nameof(exclusiveMax));
        return _random.Next(exclusiveMax);
    }
}

/// <summary>Helpers over <see cref="IRandomIndexSource"/>.</summary>
public static class RandomIndexSource
{
    /// <summary>Shuffles in place with Fisher–Yates, from the last position down (the swap order of NumPy's legacy <c>shuffle</c>).</summary>
    /// <param name="random">The source; draws <c>Next(i + 1)</c> for <c>i = n−1 … 1</c>.</param>
    /// <param name="values">The values to shuffle.</param>
    public static void Shuffle(IRandomIndexSource random, Span<int> values)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>A random permutation of <c>0 … n−1</c>.</summary>
    /// <param name="random">The source.</param>
    /// <param name="count">n, ≥ 0.</param>
    /// <returns>The permutation.</returns>
    public static int[] Permutation(IRandomIndexSource random, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int[] result = new int[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = i;
        }

        Shuffle(random, result);
        return result;
    }
}
