using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Descent.Optimizers.Kernels;

/// <summary>Adafactor's per-step constants in the element type, as PyTorch casts its Python scalars to the tensor's dtype.</summary>
internal readonly record struct AdafactorScalars<T>(T Weight, T Eps1, T Eps1Squared, T Sign, T Decay, bool Decays)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// Adafactor's passes over memory, each with a scalar reference and one vector body that gives the same bits.
/// </summary>
/// <remarks>
/// Element-wise work is identical lane by lane. The reductions (Σθ², Σg² per row, ΣU²) follow
/// <see cref="Reduction.SumOfSquares{T, TKernel}"/>'s fixed order, each square accumulated (fused, in double) into
/// partial sum j mod 16. PyTorch's own reduction order is an implementation detail of its kernels; this one is as
/// accurate and does not depend on the vector width.
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal static class AdafactorKernels<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>PyTorch's CPU lerp: the two forms keep the result exact at weight 0 and at weight 1.</summary>
    /// <remarks>
    /// Here, as in the norms' accumulations and in the final <c>add_(u, alpha)</c>, PyTorch's x86-64 kernels round
    /// a·b + c once (fmadd), so the reference fuses too.
    /// </remarks>
    public static T Lerp(T start, T end, T weight) =>
        IsSmall(weight) ? T.FusedMultiplyAdd(weight, end - start, start) : T.FusedMultiplyAdd(-(end - start), T.One - weight, end);

    /// <summary>Σ x² in the reduction order.</summary>
    public static double SumSquares(ReadOnlySpan<T> x, KernelPath path)
    {
        var pass = new Squares(x);
        return Reduction.SumOfSquares<T, Squares>(ref pass, path);
    }

    /// <summary>Returns Σ g² over the row (reduction order) and adds each g² to its column's running sum.</summary>
    public static double RowAndColumnSums(ReadOnlySpan<T> row, Span<double> columnSums, KernelPath path)
    {
        var pass = new RowAndColumns(row, columnSums);
        return Reduction.SumOfSquares<T, RowAndColumns>(ref pass, path);
    }

    /// <summary>Σ U² over one row of a factored parameter, with V = r·c_j / mean(R).</summary>
    public static double FactoredUpdateSumSquares(ReadOnlySpan<T> g, T r, ReadOnlySpan<T> c, T rowMean, in AdafactorScalars<T> s, KernelPath path)
    {
        var pass = new FactoredUpdates(g, new FactoredVariance(r, c, rowMean), s);
        return Reduction.SumOfSquares<T, FactoredUpdates>(ref pass, path);
    }

    /// <summary>θ ← θ·(1 − ηλ) + scale·U over one row of a factored parameter.</summary>
    public static void ApplyFactoredRow(Span<T> p, ReadOnlySpan<T> g, T r, ReadOnlySpan<T> c, T rowMean, in AdafactorScalars<T> s, T scale, KernelPath path) =>
        Apply(p, g, new FactoredVariance(r, c, rowMean), s, scale, path);

    /// <summary>For a vector parameter: V ← lerp(V, G², 1 − β̂) and returns Σ U².</summary>
    public static double UpdateVariance(ReadOnlySpan<T> g, Span<T> variance, in AdafactorScalars<T> s, KernelPath path)
    {
        var pass = new VarianceUpdates(g, variance, s);
        return Reduction.SumOfSquares<T, VarianceUpdates>(ref pass, path);
    }

    /// <summary>θ ← θ·(1 − ηλ) + scale·U for a vector parameter.</summary>
    public static void Apply(Span<T> p, ReadOnlySpan<T> g, ReadOnlySpan<T> variance, in AdafactorScalars<T> s, T scale, KernelPath path) =>
        Apply(p, g, new StoredVariance(variance), s, scale, path);

    private static void Apply<TVariance>(Span<T> p, ReadOnlySpan<T> g, TVariance variance, in AdafactorScalars<T> s, T scale, KernelPath path)
        where TVariance : IVariance, allows ref struct
    {
        int j = Elementwise.Resolve(path) switch
        {
            KernelPath.Vector512 => ApplyLoop<TVariance, Simd512<T>>(p, g, variance, s, scale),
            KernelPath.Vector256 => ApplyLoop<TVariance, Simd256<T>>(p, g, variance, s, scale),
            KernelPath.Vector128 => ApplyLoop<TVariance, Simd128<T>>(p, g, variance, s, scale),
            _ => 0,
        };
        for (; j < p.Length; j++)
        {
            T theta = s.Decays ? p[j] * s.Decay : p[j];
            p[j] = T.FusedMultiplyAdd(scale, Update(s.Sign * g[j], variance.At(j), s.Eps1Squared), theta);
        }
    }

    private static int ApplyLoop<TVariance, TV>(Span<T> p, ReadOnlySpan<T> g, TVariance variance, in AdafactorScalars<T> s, T scale)
        where TVariance : IVariance, allows ref struct
        where TV : unmanaged, ISimdVector<TV, T>
    {
        TV sign = TV.Create(s.Sign), floor = TV.Create(s.Eps1Squared), decay = TV.Create(s.Decay), vs = TV.Create(scale);
        ref T pr = ref MemoryMarshal.GetReference(p);
        ref T gr = ref MemoryMarshal.GetReference(g);
        int j = 0;
        for (; j <= p.Length - TV.Count; j += TV.Count)
        {
            TV u = Update(sign * TV.Load(ref Unsafe.Add(ref gr, j)), variance.At<TV>(j), floor);
            TV theta = TV.Load(ref Unsafe.Add(ref pr, j));
            TV.Store(TV.FusedMultiplyAdd(vs, u, s.Decays ? theta * decay : theta), ref Unsafe.Add(ref pr, j));
        }

        return j;
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
    private static TV Update<TV>(TV gradient, TV varianceEstimate, TV floor)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        TV v = TV.Select(TV.LessThan(varianceEstimate, floor), floor, varianceEstimate);
        return TV.Create(T.One) / TV.Sqrt(v) * gradient;
    }

    /// <summary>The second-moment estimate V at element j of the current line.</summary>
    private interface IVariance
    {
        T At(int j);

        TV At<TV>(int j)
            where TV : unmanaged, ISimdVector<TV, T>;
    }

    /// <summary>V_j = r·c_j / mean(R) for one row of a factored parameter.</summary>
    private readonly ref struct FactoredVariance(T r, ReadOnlySpan<T> c, T rowMean) : IVariance
    {
        private readonly ReadOnlySpan<T> _c = c;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T At(int j) => r * _c[j] / rowMean;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV At<TV>(int j)
            where TV : unmanaged, ISimdVector<TV, T> => TV.Create(r) * TV.Load(in _c[j]) / TV.Create(rowMean);
    }

    /// <summary>V_j stored element by element (a vector parameter).</summary>
    private readonly ref struct StoredVariance(ReadOnlySpan<T> variance) : IVariance
    {
        private readonly ReadOnlySpan<T> _variance = variance;

        public T At(int j) => _variance[j];

        public TV At<TV>(int j)
            where TV : unmanaged, ISimdVector<TV, T> => TV.Load(in _variance[j]);
    }

    private readonly ref struct Squares(ReadOnlySpan<T> x) : ISquaresReduction<T>
    {
        private readonly ReadOnlySpan<T> _x = x;

        public int Length => _x.Length;

        public T Scalar(int i) => _x[i];

        public TV Simd<TV>(int i)
            where TV : unmanaged, ISimdVector<TV, T> => TV.Load(in _x[i]);
    }

    /// <summary>Squares of one row, each also added to its column's sum.</summary>
    private readonly ref struct RowAndColumns(ReadOnlySpan<T> row, Span<double> columnSums) : ISquaresReduction<T>
    {
        private readonly ReadOnlySpan<T> _row = row;
        private readonly Span<double> _columnSums = columnSums;

        public int Length => _row.Length;

        public T Scalar(int i)
        {
            double v = double.CreateTruncating(_row[i]);
            _columnSums[i] = Math.FusedMultiplyAdd(v, v, _columnSums[i]);
            return _row[i];
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Simd<TV>(int i)
            where TV : unmanaged, ISimdVector<TV, T>
        {
            TV x = TV.Load(in _row[i]);
            TV.AddSquaresInDouble(x, ref _columnSums[i]);
            return x;
        }
    }

    /// <summary>U of one row of a factored parameter, read-only.</summary>
    private readonly ref struct FactoredUpdates(ReadOnlySpan<T> g, FactoredVariance variance, AdafactorScalars<T> s) : ISquaresReduction<T>
    {
        private readonly ReadOnlySpan<T> _g = g;
        private readonly FactoredVariance _variance = variance;

        public int Length => _g.Length;

        public T Scalar(int i) => Update(s.Sign * _g[i], _variance.At(i), s.Eps1Squared);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Simd<TV>(int i)
            where TV : unmanaged, ISimdVector<TV, T> =>
            Update(TV.Create(s.Sign) * TV.Load(in _g[i]), _variance.At<TV>(i), TV.Create(s.Eps1Squared));
    }

    /// <summary>V ← lerp(V, G², weight), then U from the new V.</summary>
    private readonly ref struct VarianceUpdates(ReadOnlySpan<T> g, Span<T> variance, AdafactorScalars<T> s) : ISquaresReduction<T>
    {
        private readonly ReadOnlySpan<T> _g = g;
        private readonly Span<T> _variance = variance;

        public int Length => _g.Length;

        public T Scalar(int i)
        {
            T grad = s.Sign * _g[i];
            _variance[i] = Lerp(_variance[i], grad * grad, s.Weight);
            return Update(grad, _variance[i], s.Eps1Squared);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Simd<TV>(int i)
            where TV : unmanaged, ISimdVector<TV, T>
        {
            TV grad = TV.Create(s.Sign) * TV.Load(in _g[i]);
            TV start = TV.Load(in _variance[i]);
            TV difference = (grad * grad) - start;
            TV v = IsSmall(s.Weight)
                ? TV.FusedMultiplyAdd(TV.Create(s.Weight), difference, start)
                : TV.FusedMultiplyAdd(-difference, TV.Create(T.One - s.Weight), grad * grad);
            TV.Store(v, ref _variance[i]);
            return Update(grad, v, TV.Create(s.Eps1Squared));
        }
    }
}
