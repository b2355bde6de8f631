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
    public void SequentialOrderScope_EqualsTheReferenceLoop_BitForBit(bool transposeA, bool transposeB)
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
                using (Gemm.SequentialOrderScope())
                {
                    Gemm.Multiply<double>(a, b, actual, m, k, n, transposeA, transposeB, 1.5, beta, maxDegreeOfParallelism: -1);
                }

                Assert.Equal(expected, actual);

                float[] af = [.. a.Select(v => (float)v)], bf = [.. b.Select(v => (float)v)];
                float[] ef = [.. c0.Select(v => (float)v)], gf = (float[])ef.Clone();
                Gemm.Reference<float>(af, bf, ef, m, k, n, transposeA, transposeB, 1.5f, (float)beta);
                using (Gemm.SequentialOrderScope())
                {
                    Gemm.Multiply<float>(af, bf, gf, m, k, n, transposeA, transposeB, 1.5f, (float)beta);
                }

                Assert.Equal(ef, gf);
            }
        }
    }

    [Fact]
    public void SequentialOrderScope_EndsWithTheScope_AndOnlyOnItsThread()
    {
        var random = new MersenneTwister(9);
        const int m = 40, k = 300, n = 40;
        double[] a = [.. Enumerable.Range(0, m * k).Select(_ => random.NextStandardNormal())];
        double[] b = [.. Enumerable.Range(0, k * n).Select(_ => random.NextStandardNormal())];
        double[] sequential = new double[m * n], blocked = new double[m * n], afterwards = new double[m * n], other = new double[m * n];
        using (Gemm.SequentialOrderScope())
        {
            Gemm.Multiply<double>(a, b, sequential, m, k, n);
            var thread = new Thread(() => Gemm.Multiply<double>(a, b, other, m, k, n));
            thread.Start();
            thread.Join();
        }

        Gemm.Multiply<double>(a, b, blocked, m, k, n);
        Gemm.Multiply<double>(a, b, afterwards, m, k, n);
        Assert.Equal(blocked, afterwards);
        Assert.Equal(blocked, other);

        // The blocked kernel fuses multiply-adds, so with k = 300 some element differs from the sequential sum.
        Assert.NotEqual(sequential, blocked);
    }
}
