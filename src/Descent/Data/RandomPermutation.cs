using Descent.Randomness;

namespace Descent.Data;

/// <summary>Shuffles and permutations drawn from an <see cref="IRandomSource"/>.</summary>
public static class RandomPermutation
{
    /// <summary>Shuffles in place with Fisher–Yates from the last position down, the swap order of NumPy's legacy <c>shuffle</c>.</summary>
    /// <param name="random">The source; draws <c>NextInt(i + 1)</c> for <c>i = n−1 … 1</c>.</param>
    /// <param name="values">The values to shuffle.</param>
    public static void Shuffle(IRandomSource random, Span<int> values)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>A random permutation of <c>0 … n−1</c>.</summary>
    /// <param name="random">The source.</param>
    /// <param name="count">n, ≥ 0.</param>
    /// <returns>The permutation.</returns>
    public static int[] Create(IRandomSource random, int count)
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
