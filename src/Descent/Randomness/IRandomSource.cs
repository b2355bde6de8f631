namespace Descent.Randomness;

/// <summary>
/// The random draws the networks need: weight initialisation (standard normal), dropout masks (uniform
/// doubles) and mini-batch sampling (uniform integers). Pluggable so that a NumPy-compatible MT19937 stream
/// can reproduce the book's runs; its state can be saved so a checkpoint resumes the same stream.
/// </summary>
public interface IRandomSource
{
    /// <summary>A draw from N(0, 1) (NumPy's <c>randn</c>).</summary>
    /// <returns>The sample.</returns>
    double NextStandardNormal();

    /// <summary>A uniform draw from [0, 1) (NumPy's <c>rand</c>).</summary>
    /// <returns>The sample.</returns>
    double NextDouble();

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>) (NumPy's <c>randint(0, max)</c>).</summary>
    /// <param name="maxExclusive">The exclusive upper bound, ≥ 1.</param>
    /// <returns>The sample.</returns>
    int NextInt(int maxExclusive);

    /// <summary>The generator's complete state, so <see cref="LoadState"/> continues the exact same stream.</summary>
    /// <returns>An opaque byte string.</returns>
    byte[] SaveState();

    /// <summary>Restores a state written by <see cref="SaveState"/> of the same generator type.</summary>
    /// <param name="state">The saved bytes.</param>
    /// <exception cref="ArgumentException">The bytes are not a state of this generator.</exception>
    void LoadState(ReadOnlySpan<byte> state);
}
