namespace Descent.Random;

/// <summary>
/// The random numbers that weight initialisation, dropout and mini-batch sampling draw. Every random choice in
/// Descent goes through one of these, created from a seed, so that a run is repeatable and its generator state
/// can be saved in a checkpoint and restored.
/// </summary>
public interface IRandomSource
{
    /// <summary>A uniform double in [0, 1).</summary>
    /// <returns>The next value.</returns>
    double NextDouble();

    /// <summary>A standard normal double (mean 0, variance 1).</summary>
    /// <returns>The next value.</returns>
    double NextGaussian();

    /// <summary>A uniform integer in [0, <paramref name="exclusiveMax"/>).</summary>
    /// <param name="exclusiveMax">The upper bound, at least 1.</param>
    /// <returns>The next value.</returns>
    long NextInt64(long exclusiveMax);

    /// <summary>The generator's complete state, to store in a checkpoint.</summary>
    /// <returns>A byte image that <see cref="RestoreState"/> accepts.</returns>
    byte[] SaveState();

    /// <summary>Restores a state written by <see cref="SaveState"/> of the same kind of generator.</summary>
    /// <param name="state">The byte image.</param>
    /// <exception cref="ArgumentException">The image is not a state of this generator.</exception>
    void RestoreState(ReadOnlySpan<byte> state);
}
