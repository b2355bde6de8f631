using Descent.Randomness;

namespace Descent.Tests.Randomness;

public class SeededRandomTests
{
    [Fact]
    public void SameSeed_SameStream_OtherSeed_Other()
    {
        var a = new SeededRandom(42);
        var b = new SeededRandom(42);
        var c = new SeededRandom(43);
        double[] sa = [.. Enumerable.Range(0, 10).Select(_ => a.NextStandardNormal())];
        Assert.Equal(sa, Enumerable.Range(0, 10).Select(_ => b.NextStandardNormal()));
        Assert.NotEqual(sa, Enumerable.Range(0, 10).Select(_ => c.NextStandardNormal()));
    }

    [Fact]
    public void SaveAndLoad_ContinueTheSameStream_IncludingTheCachedNormal()
    {
        var a = new SeededRandom(7);
        a.NextStandardNormal();
        byte[] state = a.SaveState();
        double[] expected = [a.NextStandardNormal(), a.NextDouble(), a.NextInt(10)];
        var b = new SeededRandom(0);
        b.LoadState(state);
        double[] actual = [b.NextStandardNormal(), b.NextDouble(), b.NextInt(10)];
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void LoadState_Garbage_IsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new SeededRandom(1).LoadState(new byte[5]));
        Assert.Contains("41 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Draws_HaveTheRightMoments()
    {
        var r = new SeededRandom(3);
        const int n = 100_000;
        double sum = 0, squares = 0;
        int[] counts = new int[7];
        for (int i = 0; i < n; i++)
        {
            double z = r.NextStandardNormal();
            sum += z;
            squares += z * z;
            counts[r.NextInt(7)]++;
            double u = r.NextDouble();
            Assert.InRange(u, 0, 1 - 1e-17);
        }

        Assert.InRange(sum / n, -0.01, 0.01);
        Assert.InRange(squares / n, 0.98, 1.02);
        Assert.All(counts, c => Assert.InRange(c, (n / 7) - 600, (n / 7) + 600));
    }
}
