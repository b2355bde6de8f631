using Descent.Numerics;

namespace Descent.Tests.Numerics;

public class GemmTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Multiply_MatchesDefinition_ForEveryTransposeVariant(bool ta, bool tb)
    {
        const int m = 3, k = 4, n = 5;
        double[] a = [.. Enumerable.Range(0, m * k).Select(i => Math.Sin(i + 1))];
        double[] b = [.. Enumerable.Range(0, k * n).Select(i => Math.Cos(i * 0.5))];
        double[] c = [.. Enumerable.Range(0, m * n).Select(i => (double)i)];
        double[] expected = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    s += (ta ? a[(p * m) + i] : a[(i * k) + p]) * (tb ? b[(j * k) + p] : b[(p * n) + j]);
                }

                expected[(i * n) + j] = (2 * s) + (0.5 * c[(i * n) + j]);
            }
        }

        Gemm.Multiply<double>(a, b, c, m, k, n, ta, tb, alpha: 2, beta: 0.5);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], c[i], 1e-12);
        }
    }
}
