using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Descent.Optimizers.Kernels;

/// <summary>Adafactor's per-step constants in the element type, as PyTorch casts its Python scalars to the tensor's dtype.</summary>
internal readonly record struct AdafactorScalars<T>(T Weight, T Eps1, T Eps1Squared, T Sign, T Decay, bool Decays)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// Adafactor's passes over memory, each with a scalar reference and a 256-bit path that gives the same bits.
/// </summary>
/// <remarks>
/// Element-wise work is identical lane by lane. The reductions (Σθ², Σg² per row, ΣU²) are defined in a fixed
/// order that both paths follow: along a line, element j accumulates (fused, in double) into partial sum
/// j mod 8, and the eight partials combine as ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)). PyTorch's own reduction order
/// is an implementation detail of its kernels; this one is as accurate and does not depend on the vector width.
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal static class AdafactorKernels<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int Lanes = 8;

    /// <summary>PyTorch's CPU lerp: the two forms keep the result exact at weight 0 and at weight 1.</summary>
    /// <remarks>
    /// Here, as in the norms' accumulations and in the final <c>add_(u, alpha)</c>, PyTorch's x86-64 kernels round
    /// a·b + c once (fmadd), so the reference fuses too.
    /// </remarks>
    public static T Lerp(T start, T end, T weight) =>
        IsSmall(weight) ? T.FusedMultiplyAdd(weight, end - start, start) : T.FusedMultiplyAdd(-(end - start), T.One - weight, end);

    /// <summary>Σ x² in the lane order.</summary>
    public static double SumSquares(ReadOnlySpan<T> x, bool vector)
    {
        Span<double> partial = stackalloc double[Lanes];
        partial.Clear();
        int j = 0;
        if (vector)
        {
            var low = Vector256<double>.Zero;
            var high = Vector256<double>.Zero;
            for (; j <= x.Length - Lanes; j += Lanes)
            {
                Widen(x, j, out var a, out var b);
                low = Vector256.FusedMultiplyAdd(a, a, low);
                high = Vector256.FusedMultiplyAdd(b, b, high);
            }

            low.CopyTo(partial);
            high.CopyTo(partial[4..]);
        }

        for (; j < x.Length; j++)
        {
            double v = double.CreateTruncating(x[j]);
            partial[j & (Lanes - 1)] = Math.FusedMultiplyAdd(v, v, partial[j & (Lanes - 1)]);
        }

        return Combine(partial);
    }

    /// <summary>Returns Σ g² over the row (lane order) and adds each g² to its column's running sum.</summary>
    public static double RowAndColumnSums(ReadOnlySpan<T> row, Span<double> columnSums, bool vector)
    {
        Span<double> partial = stackalloc double[Lanes];
        partial.Clear();
        int j = 0;
        if (vector)
        {
            var low = Vector256<double>.Zero;
            var high = Vector256<double>.Zero;
            ref double columns = ref MemoryMarshal.GetReference(columnSums);
            for (; j <= row.Length - Lanes; j += Lanes)
            {
                Widen(row, j, out var a, out var b);
                low = Vector256.FusedMultiplyAdd(a, a, low);
                high = Vector256.FusedMultiplyAdd(b, b, high);
                Vector256.FusedMultiplyAdd(a, a, Vector256.LoadUnsafe(ref columns, (nuint)j)).StoreUnsafe(ref columns, (nuint)j);
                Vector256.FusedMultiplyAdd(b, b, Vector256.LoadUnsafe(ref columns, (nuint)j + 4)).StoreUnsafe(ref columns, (nuint)j + 4);
            }

            low.CopyTo(partial);
            high.CopyTo(partial[4..]);
        }

        for (; j < row.Length; j++)
        {
            double v = double.CreateTruncating(row[j]);
            partial[j & (Lanes - 1)] = Math.FusedMultiplyAdd(v, v, partial[j & (Lanes - 1)]);
            columnSums[j] = Math.FusedMultiplyAdd(v, v, columnSums[j]);
        }

        return Combine(partial);
    }

    /// <summary>Σ U² over one row of a factored parameter, with V = r·c_j / mean(R).</summary>
    public static double FactoredUpdateSumSquares(ReadOnlySpan<T> g, T r, ReadOnlySpan<T> c, T rowMean, in AdafactorScalars<T> s, bool vector)
    {
        Span<double> partial = stackalloc double[Lanes];
        partial.Clear();
        int j = 0;
        if (vector)
        {
            var low = Vector256<double>.Zero;
            var high = Vector256<double>.Zero;
            var vr = Vector256.Create(r);
            var vm = Vector256.Create(rowMean);
            var sign = Vector256.Create(s.Sign);
            var floor = Vector256.Create(s.Eps1Squared);
            ref T gr = ref MemoryMarshal.GetReference(g);
            ref T cr = ref MemoryMarshal.GetReference(c);
            for (; j <= g.Length - Lanes; j += Lanes)
            {
                for (int k = 0; k < Lanes; k += Vector256<T>.Count)
                {
                    nuint at = (nuint)(j + k);
                    var u = Update(sign * Vector256.LoadUnsafe(ref gr, at), vr * Vector256.LoadUnsafe(ref cr, at) / vm, floor);
                    Square(u, k, ref low, ref high);
                }
            }

            low.CopyTo(partial);
            high.CopyTo(partial[4..]);
        }

        for (; j < g.Length; j++)
        {
            double u = double.CreateTruncating(Update(s.Sign * g[j], r * c[j] / rowMean, s.Eps1Squared));
            partial[j & (Lanes - 1)] = Math.FusedMultiplyAdd(u, u, partial[j & (Lanes - 1)]);
        }

        return Combine(partial);
    }

    /// <summary>θ ← θ·(1 − ηλ) + scale·U over one row of a factored parameter.</summary>
    public static void ApplyFactoredRow(Span<T> p, ReadOnlySpan<T> g, T r, ReadOnlySpan<T> c, T rowMean, in AdafactorScalars<T> s, T scale, bool vector)
    {
        int j = 0;
        if (vector)
        {
            var vr = Vector256.Create(r);
            var vm = Vector256.Create(rowMean);
            var sign = Vector256.Create(s.Sign);
            var floor = Vector256.Create(s.Eps1Squared);
            var decay = Vector256.Create(s.Decay);
            var vs = Vector256.Create(scale);
            ref T pr = ref MemoryMarshal.GetReference(p);
            ref T gr = ref MemoryMarshal.GetReference(g);
            ref T cr = ref MemoryMarshal.GetReference(c);
            for (; j <= p.Length - Vector256<T>.Count; j += Vector256<T>.Count)
            {
                var u = Update(sign * Vector256.LoadUnsafe(ref gr, (nuint)j), vr * Vector256.LoadUnsafe(ref cr, (nuint)j) / vm, floor);
                var theta = Vector256.LoadUnsafe(ref pr, (nuint)j);
                if (s.Decays)
                {
                    theta *= decay;
                }

                Fma(vs, u, theta).StoreUnsafe(ref pr, (nuint)j);
            }
        }

        for (; j < p.Length; j++)
        {
            T theta = s.Decays ? p[j] * s.Decay : p[j];
            p[j] = T.FusedMultiplyAdd(scale, Update(s.Sign * g[j], r * c[j] / rowMean, s.Eps1Squared), theta);
        }
    }

    /// <summary>For a vector parameter: V ← lerp(V, G², 1 − β̂) and returns Σ U².</summary>
    public static double UpdateVariance(ReadOnlySpan<T> g, Span<T> variance, in AdafactorScalars<T> s, bool vector)
    {
        Span<double> partial = stackalloc double[Lanes];
        partial.Clear();
        int j = 0;
        if (vector)
        {
            var low = Vector256<double>.Zero;
            var high = Vector256<double>.Zero;
            var sign = Vector256.Create(s.Sign);
            var floor = Vector256.Create(s.Eps1Squared);
            var weight = Vector256.Create(s.Weight);
            var complement = Vector256.Create(T.One - s.Weight);
            bool small = IsSmall(s.Weight);
            ref T gr = ref MemoryMarshal.GetReference(g);
            ref T vr = ref MemoryMarshal.GetReference(variance);
            for (; j <= g.Length - Lanes; j += Lanes)
            {
                for (int k = 0; k < Lanes; k += Vector256<T>.Count)
                {
                    nuint at = (nuint)(j + k);
                    var grad = sign * Vector256.LoadUnsafe(ref gr, at);
                    var start = Vector256.LoadUnsafe(ref vr, at);
                    var difference = (grad * grad) - start;
                    var v = small
                        ? Fma(weight, difference, start)
                        : Fma(-difference, complement, grad * grad);
                    v.StoreUnsafe(ref vr, at);
                    Square(Update(grad, v, floor), k, ref low, ref high);
                }
            }

            low.CopyTo(partial);
            high.CopyTo(partial[4..]);
        }

        for (; j < g.Length; j++)
        {
            T grad = s.Sign * g[j];
            variance[j] = Lerp(variance[j], grad * grad, s.Weight);
            double u = double.CreateTruncating(Update(grad, variance[j], s.Eps1Squared));
            partial[j & (Lanes - 1)] = Math.FusedMultiplyAdd(u, u, partial[j & (Lanes - 1)]);
        }

        return Combine(partial);
    }

    /// <summary>θ ← θ·(1 − ηλ) + scale·U for a vector parameter.</summary>
    public static void Apply(Span<T> p, ReadOnlySpan<T> g, ReadOnlySpan<T> variance, in AdafactorScalars<T> s, T scale, bool vector)
    {
        int j = 0;
        if (vector)
        {
            var sign = Vector256.Create(s.Sign);
            var floor = Vector256.Create(s.Eps1Squared);
            var decay = Vector256.Create(s.Decay);
            var vs = Vector256.Create(scale);
            ref T pr = ref MemoryMarshal.GetReference(p);
            ref T gr = ref MemoryMarshal.GetReference(g);
            ref T vr = ref MemoryMarshal.GetReference(variance);
            for (; j <= p.Length - Vector256<T>.Count; j += Vector256<T>.Count)
            {
                var u = Update(sign * Vector256.LoadUnsafe(ref gr, (nuint)j), Vector256.LoadUnsafe(ref vr, (nuint)j), floor);
                var theta = Vector256.LoadUnsafe(ref pr, (nuint)j);
                if (s.Decays)
                {
                    theta *= decay;
                }

                Fma(vs, u, theta).StoreUnsafe(ref pr, (nuint)j);
            }
        }

        for (; j < p.Length; j++)
        {
            T theta = s.Decays ? p[j] * s.Decay : p[j];
            p[j] = T.FusedMultiplyAdd(scale, Update(s.Sign * g[j], variance[j], s.Eps1Squared), theta);
        }
    }

    private static bool IsSmall(T weight) => T.Abs(weight) < T.CreateTruncating(0.5);

    /// <summary>U = G / √max(V, ε₁²), as PyTorch's <c>clamp_(min=eps1²).rsqrt_()</c> then <c>mul_(grad)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Update(T gradient, T varianceEstimate, T floor)
    {
        T v = varianceEstimate < floor ? floor : varianceEstimate;
        return T.One / T.Sqrt(v) * gradient;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Update(Vector256<T> gradient, Vector256<T> varianceEstimate, Vector256<T> floor)
    {
        var v = Vector256.ConditionalSelect(Vector256.LessThan(varianceEstimate, floor), floor, varianceEstimate);
        return Vector256<T>.One / Vector256.Sqrt(v) * gradient;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma(Vector256<T> a, Vector256<T> b, Vector256<T> c) => typeof(T) == typeof(float)
        ? Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
        : Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();

    private static double Combine(ReadOnlySpan<double> s) => ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));

    /// <summary>Elements j..j+7 of <paramref name="x"/> in double: lanes 0–3 and 4–7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Widen(ReadOnlySpan<T> x, int j, out Vector256<double> low, out Vector256<double> high)
    {
        ref T start = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), j);
        if (typeof(T) == typeof(float))
        {
            var v = Vector256.LoadUnsafe(ref Unsafe.As<T, float>(ref start));
            (low, high) = Vector256.Widen(v);
        }
        else
        {
            low = Vector256.LoadUnsafe(ref Unsafe.As<T, double>(ref start));
            high = Vector256.LoadUnsafe(ref Unsafe.As<T, double>(ref start), 4);
        }
    }

    /// <summary>Adds u² (in double) into the lanes of elements k..k+Count−1 of the current block of eight.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Square(Vector256<T> u, int k, ref Vector256<double> low, ref Vector256<double> high)
    {
        if (typeof(T) == typeof(float))
        {
            var (a, b) = Vector256.Widen(u.AsSingle());
            low = Vector256.FusedMultiplyAdd(a, a, low);
            high = Vector256.FusedMultiplyAdd(b, b, high);
        }
        else if (k == 0)
        {
            var a = u.AsDouble();
            low = Vector256.FusedMultiplyAdd(a, a, low);
        }
        else
        {
            var b = u.AsDouble();
            high = Vector256.FusedMultiplyAdd(b, b, high);
        }
    }
}
