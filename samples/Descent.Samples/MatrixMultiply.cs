#region README gemm
using Descent.Numerics;

#endregion
namespace Samples;

/// <summary>The README's matrix-multiply example: an affine layer's forward and backward products.</summary>
public static class MatrixMultiply
{
    /// <summary>Runs the example on deterministic inputs; returns Y, dW and dX.</summary>
    public static (float[] Y, float[] WeightGradient, float[] InputGradient) Run()
    {
        const int batch = 3, inputs = 4, outputs = 2;
        float[] x = [.. Enumerable.Range(0, batch * inputs).Select(i => (float)i)];
        float[] w = [.. Enumerable.Range(0, inputs * outputs).Select(i => 1f / (i + 1))];
        float[] dy = [.. Enumerable.Range(0, batch * outputs).Select(i => (float)(i - 2))];
        float[] y = new float[batch * outputs], dw = new float[inputs * outputs], dx = new float[batch * inputs];
        #region README gemm
        Gemm.Multiply<float>(x, w, y, batch, inputs, outputs);                      // Y = X·W
        Gemm.Multiply<float>(x, dy, dw, inputs, batch, outputs, transposeA: true);  // dW = Xᵀ·dY
        Gemm.Multiply<float>(dy, w, dx, batch, outputs, inputs, transposeB: true);  // dX = dY·Wᵀ
        #endregion
        return (y, dw, dx);
    }
}
