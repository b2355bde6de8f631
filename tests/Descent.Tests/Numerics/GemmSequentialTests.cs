using Descent.Numerics;
using Descent.Randomness;

namespace Descent.Tests.Numerics;

public class GemmSequentialTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void SequentialContext_EqualsTheReferenceLoop_BitForBit(bool transposeA, bool transposeB)
    {
        var random = new MersenneTwister(5);
        foreach (var (m, k, n) in new[] { (1, 1, 1), (7, 13, 5), (17, 33, 19), (64, 100, 10), (3, 0, 4), (0, 5, 3) })
        {
            foreach (double beta in new[] { 0.0, 1.0, -0.5 })
            {
                double[] a = [.. Enumerable.Range(0, m * k).Select(_ => random.NextStandardNormal())];
                double[] b = [.. Enumerable.Range(0, k * n).Select(_ => random.NextStandardNormal())];
                double[] c0 = [.. Enumerable.Range(0, m * n).Select(_ => random.NextStandardNormal())];
                double[] expected = (double[])c0.Clone(), actual = (double[])c0.Clone();
                Gemm.Reference<double>(a, b, expected, m, k, n, transposeA, transposeB, 1.5, beta);
                Gemm.Multiply<double>(a, b, actual, m, k, n, transposeA, transposeB, 1.5, beta, GemmContext.Sequential);

                Assert.Equal(expected, actual);

                float[] af = [.. a.Select(v => (float)v)], bf = [.. b.Select(v => (float)v)];
                float[] ef = [.. c0.Select(v => (float)v)], gf = (float[])ef.Clone();
                Gemm.Reference<float>(af, bf, ef, m, k, n, transposeA, transposeB, 1.5f, (float)beta);
                Gemm.Multiply<float>(af, bf, gf, m, k, n, transposeA, transposeB, 1.5f, (float)beta, GemmContext.Sequential);

                Assert.Equal(ef, gf);
            }
        }
    }

    [Fact]
    public void TheContext_ChoosesTheArithmetic_PerCall_NotPerThread()
    {
        var random = new MersenneTwister(9);
        const int m = 40, k = 300, n = 40;
        double[] a = [.. Enumerable.Range(0, m * k).Select(_ => random.NextStandardNormal())];
        double[] b = [.. Enumerable.Range(0, k * n).Select(_ => random.NextStandardNormal())];
        double[] sequential = new double[m * n], reference = new double[m * n], blocked = new double[m * n], other = new double[m * n];
        Gemm.Multiply<double>(a, b, sequential, m, k, n, false, false, 1.0, 0.0, GemmContext.Sequential);
        Gemm.Reference<double>(a, b, reference, m, k, n, false, false, 1.0, 0.0);
        var thread = new Thread(() => Gemm.Multiply<double>(a, b, other, m, k, n));
        thread.Start();
        thread.Join();
        Gemm.Multiply<double>(a, b, blocked, m, k, n);
        Assert.Equal(reference, sequential);
        Assert.Equal(blocked, other);

        // The blocked kernel fuses multiply-adds, so with k = 300 some element differs from the sequential sum.
        Assert.NotEqual(sequential, blocked);
    }

    [Fact]
    public void ANetworksContext_ReachesEveryLinearLayer_AndDecidesItsArithmetic()
    {
        const int batch = 16, inputs = 300;
        var random = new MersenneTwister(3);
        double[] x = [.. Enumerable.Range(0, batch * inputs).Select(_ => random.NextStandardNormal())];
        int[] labels = [.. Enumerable.Range(0, batch).Select(i => i % 10)];
        var sequential = new Descent.NeuralNetworks.MultiLayerNet<double>(inputs, [64, 64], 10, random: new SeededRandom(1), gemm: GemmContext.Sequential);
        var blocked = new Descent.NeuralNetworks.MultiLayerNet<double>(inputs, [64, 64], 10, random: new SeededRandom(1));
        var affine = sequential.Layers.OfType<Descent.NeuralNetworks.Affine<double>>().ToArray();
        Assert.Equal(3, affine.Length);
        Assert.All(affine, l => Assert.Same(GemmContext.Sequential, l.Gemm));
        Assert.All(blocked.Layers.OfType<Descent.NeuralNetworks.Affine<double>>(), l => Assert.Same(GemmContext.Default, l.Gemm));

        // Same weights, same data: only the products' arithmetic differs; the 300-deep forward product rounds
        // differently in the two, and that reaches W1's gradient.
        Assert.Equal(sequential.Parameters[0].Value.ToArray(), blocked.Parameters[0].Value.ToArray());
        sequential.ComputeGradients(x, batch, labels);
        blocked.ComputeGradients(x, batch, labels);
        Assert.NotEqual(sequential.Parameters[0].Gradient.ToArray(), blocked.Parameters[0].Gradient.ToArray());
    }
}
