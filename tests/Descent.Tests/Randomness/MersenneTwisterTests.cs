using Descent.Randomness;
using Descent.Testing;

namespace Descent.Tests.Randomness;

public class MersenneTwisterTests
{
    private static readonly int[] BookLayerSizes = [784, 100, 100, 100, 100, 10];
    private static readonly string[] BookOptimizers = ["SGD", "Momentum", "AdaGrad", "Adam"];

    [Fact]
    public void Seed0_MatchesNumPysFirstValues()
    {
        // np.random.seed(0); np.random.random_sample() and np.random.randn(2) in a fresh session.
        Assert.Equal(0.5488135039273248, new MersenneTwister(0).NextDouble());
        var g = new MersenneTwister(0);
        Assert.Equal(1.764052345967664, g.NextStandardNormal());
        Assert.Equal(0.4001572083672233, g.NextStandardNormal());
    }

    [Fact]
    public void BookComparison_InitWeightsAndBatches_MatchTheGoldenCheckExactly()
    {
        using var golden = Goldens.Load("book/mnist_compare_losses.json");
        var check = golden.RootElement.GetProperty("check");
        var rng = new MersenneTwister((uint)golden.RootElement.GetProperty("seed").GetInt32());

        // The book builds the four networks in this order, each drawing scale·randn(in, out) per layer (He: √(2/in)).
        foreach (string name in BookOptimizers)
        {
            double[] first = [];
            for (int layer = 0; layer + 1 < BookLayerSizes.Length; layer++)
            {
                int fanIn = BookLayerSizes[layer];
                double scale = Math.Sqrt(2.0 / fanIn);
                double[] w = new double[fanIn * BookLayerSizes[layer + 1]];
                rng.FillGaussian(w);
                if (layer == 0)
                {
                    first = [.. w.Take(4).Select(v => scale * v)];
                }
            }

            double[] expected = [.. check.GetProperty("W1[0,:4] at init per network").GetProperty(name).EnumerateArray().Select(e => e.GetDouble())];
            Assert.Equal(expected, first);
        }

        foreach (var batch in check.GetProperty("batch_mask of iterations 0 and 1").EnumerateArray())
        {
            long[] expected = [.. batch.EnumerateArray().Select(e => e.GetInt64())];
            long[] drawn = [.. expected.Select(_ => rng.NextInt64(10_000))];
            Assert.Equal(expected, drawn);

            // The book's loop draws each batch only; the networks draw nothing per iteration.
        }
    }

    [Fact]
    public void SavedState_ContinuesIdentically_IncludingTheCachedGaussian()
    {
        var a = new MersenneTwister(42);
        a.NextStandardNormal(); // leaves the second value of the pair cached
        var b = new MersenneTwister(7);
        b.LoadState(a.SaveState());
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(a.NextStandardNormal(), b.NextStandardNormal());
            Assert.Equal(a.NextInt64(10_000), b.NextInt64(10_000));
        }
    }

    [Fact]
    public void LoadState_RejectsGarbage_WithAClearMessage()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MersenneTwister(1).LoadState(new byte[10]));
        Assert.Contains("MT19937", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NextInt64_StaysInRange_ForWideAndNarrowBounds()
    {
        var g = new MersenneTwister(3);
        foreach (long n in new long[] { 1, 2, 3, 10_000, (1L << 32) - 1, 1L << 32, (1L << 40) + 17 })
        {
            for (int i = 0; i < 200; i++)
            {
                long v = g.NextInt64(n);
                Assert.InRange(v, 0, n - 1);
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => g.NextInt64(0));
    }

    [Fact]
    public void FromArray_MatchesTheReferenceInitByArray()
    {
        // mt19937ar.c's test vector: init_by_array({0x123, 0x234, 0x345, 0x456}) → first outputs.
        var g = MersenneTwister.FromArray([0x123, 0x234, 0x345, 0x456]);
        uint[] expected = [1067595299, 955945823, 477289528, 4107218783, 4228976476];
        uint[] drawn = [.. expected.Select(_ => g.NextUInt32())];
        Assert.Equal(expected, drawn);
    }
}
