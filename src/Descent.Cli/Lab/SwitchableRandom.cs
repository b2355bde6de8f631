using Descent.Randomness;

namespace Descent.Cli.Lab;

/// <summary>
/// A random source whose generator can be swapped: the networks draw their initial weights from the run's shared
/// stream (the book's order), then their dropout masks from a stream of their own, so parallel runs stay repeatable.
/// </summary>
internal sealed class SwitchableRandom(IRandomSource inner) : IRandomSource
{
    public IRandomSource Inner { get; set; } = inner;

    public double NextStandardNormal() => Inner.NextStandardNormal();

    public double NextDouble() => Inner.NextDouble();

    public int NextInt(int maxExclusive) => Inner.NextInt(maxExclusive);

    public byte[] SaveState() => Inner.SaveState();

    public void LoadState(ReadOnlySpan<byte> state) => Inner.LoadState(state);
}
