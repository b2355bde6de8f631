namespace Descent.Distributed;

/// <summary>
/// The rows of a global batch that one rank computes: rank r of N takes a contiguous slice, the first
/// <c>B mod N</c> ranks one row more, so the global batch size (and the data each step sees) does not depend on N.
/// </summary>
/// <param name="Start">First row of this rank's slice within the global batch.</param>
/// <param name="Count">Rows in this rank's slice.</param>
/// <param name="GlobalBatch">Rows in the whole batch, over all ranks.</param>
public readonly record struct BatchShard(int Start, int Count, int GlobalBatch)
{
    /// <summary>The slice of rank <paramref name="rank"/> of <paramref name="size"/>.</summary>
    /// <param name="rank">The rank, 0 … size − 1.</param>
    /// <param name="size">How many ranks share the batch.</param>
    /// <param name="globalBatch">The batch size over all ranks; at least <paramref name="size"/>, so no rank is idle.</param>
    /// <returns>The slice.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The rank is out of range or the batch is smaller than the number of ranks.</exception>
    public static BatchShard For(int rank, int size, int globalBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, size);
        if (globalBatch < size)
        {
            throw new ArgumentOutOfRangeException(nameof(globalBatch), globalBatch, $"A batch of {globalBatch} rows cannot be split over {size} processes; the batch size must be at least the number of processes.");
        }

        int quotient = globalBatch / size, remainder = globalBatch % size;
        int start = (rank * quotient) + Math.Min(rank, remainder);
        return new BatchShard(start, quotient + (rank < remainder ? 1 : 0), globalBatch);
    }

    /// <summary>This slice's share of the batch mean: Count / GlobalBatch (a mean over the slice times this is its part of the global mean).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <returns>The weight.</returns>
    public T Weight<T>()
        where T : System.Numerics.IFloatingPointIeee754<T> => T.CreateChecked(Count) / T.CreateChecked(GlobalBatch);
}
