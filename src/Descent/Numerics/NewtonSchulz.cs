using System.Numerics;

namespace Descent.Numerics;

/// <summary>
/// The quintic Newton–Schulz iteration of <c>torch.optim.Muon</c>, which maps a matrix G = USVᵀ to roughly US′Vᵀ with
/// S′ ≈ 1, in PyTorch's arithmetic: G is rounded to bfloat16, transposed to be wide (rows ≤ columns), divided by
/// max(‖G‖_F, ε), then k times
/// <code>
/// A = X·Xᵀ;   B = b·A + c·A·A;   X ← a·X + B·X
/// </code>
/// Every matrix is stored in bfloat16 and every product accumulates in float32 (PyTorch's CPU <c>addmm</c> on
/// bfloat16), so the products run on the float <see cref="Gemm"/> — products of bfloat16 values are exact in float32,
/// so a fused multiply-add rounds as PyTorch's multiply-then-add does — and each result is rounded to bfloat16
/// (round to nearest even) before it is used.
/// </summary>
/// <remarks>
/// The scratch matrices grow to the largest shape seen and are then reused, so an iteration allocates nothing.
/// The sums in the products follow the GEMM's order; for the small depths of the reference runs that is PyTorch's
/// sequential order, and for large matrices a different order only changes a bfloat16 rounding now and then.
/// </remarks>
internal sealed class NewtonSchulz
{
    private float[] _x = [];
    private float[] _gram = [];
    private float[] _square = [];
    private float[] _polynomial = [];
    private float[] _product = [];

    /// <summary>Rounds a float to the nearest bfloat16 (ties to even), as <c>c10::BFloat16</c>; NaN stays NaN.</summary>
    /// <param name="x">The value.</param>
    /// <returns>The bfloat16 value, as a float.</returns>
    public static float RoundToBFloat16(float x)
    {
        if (float.IsNaN(x))
        {
            return x;
        }

        uint bits = BitConverter.SingleToUInt32Bits(x);
        bits += 0x7FFFu + ((bits >> 16) & 1u);
        return BitConverter.UInt32BitsToSingle(bits & 0xFFFF0000u);
    }

    /// <summary>
    /// Orthogonalises the <paramref name="rows"/>×<paramref name="columns"/> row-major matrix <paramref name="g"/> and
    /// returns the result in bfloat16 values, transposed when <paramref name="rows"/> &gt; <paramref name="columns"/>
    /// (element (i, j) of the result is then at <c>j·rows + i</c>).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="g">The matrix.</param>
    /// <param name="rows">Its rows.</param>
    /// <param name="columns">Its columns.</param>
    /// <param name="a">Coefficient a.</param>
    /// <param name="b">Coefficient b.</param>
    /// <param name="c">Coefficient c.</param>
    /// <param name="steps">Iterations k.</param>
    /// <param name="eps">The floor of the norm.</param>
    /// <returns>The orthogonalised matrix, wide (min(rows, columns) × max(rows, columns)).</returns>
    public ReadOnlySpan<float> Orthogonalize<T>(ReadOnlySpan<T> g, int rows, int columns, double a, double b, double c, int steps, double eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool transpose = rows > columns;
        int m = transpose ? columns : rows;
        int n = transpose ? rows : columns;
        Span<float> x = Grow(ref _x, m * n);
        float squares = 0;
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                // double → float → bfloat16, as c10::BFloat16's constructor takes a float.
                float value = RoundToBFloat16(float.CreateTruncating(g[(i * columns) + j]));
                x[transpose ? (j * rows) + i : (i * columns) + j] = value;
                squares += value * value;
            }
        }

        float norm = MathF.Max(RoundToBFloat16(MathF.Sqrt(squares)), (float)eps);
        norm = RoundToBFloat16(norm);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = RoundToBFloat16(x[i] / norm);
        }

        Span<float> gram = Grow(ref _gram, m * m);
        Span<float> square = Grow(ref _square, m * m);
        Span<float> polynomial = Grow(ref _polynomial, m * m);
        Span<float> product = Grow(ref _product, m * n);
        float fa = (float)a, fb = (float)b, fc = (float)c;
        for (int step = 0; step < steps; step++)
        {
            Gemm.Multiply<float>(x, x, gram, m, n, m, transposeB: true);
            Round(gram);
            Gemm.Multiply<float>(gram, gram, square, m, m, m);
            for (int i = 0; i < polynomial.Length; i++)
            {
                polynomial[i] = RoundToBFloat16((fb * gram[i]) + (fc * square[i]));
            }

            Gemm.Multiply<float>(polynomial, x, product, m, m, n);
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = RoundToBFloat16((fa * x[i]) + product[i]);
            }
        }

        return x;
    }

    private static void Round(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = RoundToBFloat16(values[i]);
        }
    }

    private static Span<float> Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[length];
        }

        return buffer.AsSpan(0, length);
    }
}
