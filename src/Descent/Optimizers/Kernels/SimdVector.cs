using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// The few vector operations the update kernels need, over one register width. Each kernel writes its
/// vector body once against this interface; the JIT specialises it for <see cref="Simd128{T}"/>,
/// <see cref="Simd256{T}"/> and <see cref="Simd512{T}"/> (the wrappers vanish after inlining). The BCL's own <c>ISimdVector</c> is internal.
/// </summary>
/// <typeparam name="TSelf">The implementing vector type.</typeparam>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal interface ISimdVector<TSelf, T>
    : IAdditionOperators<TSelf, TSelf, TSelf>,
      ISubtractionOperators<TSelf, TSelf, TSelf>,
      IMultiplyOperators<TSelf, TSelf, TSelf>,
      IDivisionOperators<TSelf, TSelf, TSelf>,
      IUnaryNegationOperators<TSelf, TSelf>
    where TSelf : unmanaged, ISimdVector<TSelf, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Elements per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width runs in hardware (otherwise the BCL emulates it, correctly but slowly).</summary>
    static abstract bool IsHardwareAccelerated { get; }

    static abstract TSelf Create(T value);

    static abstract TSelf Load(ref readonly T source);

    static abstract void Store(TSelf value, ref T destination);

    static abstract TSelf Sqrt(TSelf x);

    /// <summary>a·b + c rounded once, as the scalar <c>T.FusedMultiplyAdd</c> (for references that fuse, like PyTorch's x86 kernels).</summary>
    static abstract TSelf FusedMultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>
    /// <c>destination[k] = fma(x[k], x[k], destination[k])</c> in double for the <see cref="Count"/> lanes: sums of squares
    /// accumulated in double whatever <typeparamref name="T"/> is, as PyTorch's CPU reductions accumulate float in double.
    /// </summary>
    static abstract void AddSquaresInDouble(TSelf x, ref double destination);

    /// <summary>
    /// Cube root, lane by lane with <c>T.Cbrt</c>: the BCL has no vector cube root, and a polynomial one would
    /// round differently from the scalar reference (MADGRAD needs both to give the same bits).
    /// </summary>
    static abstract TSelf Cbrt(TSelf x);

    static abstract TSelf Abs(TSelf x);

    /// <summary>IEEE 754:2019 maximum (NaN propagates), like <c>torch.maximum</c>.</summary>
    static abstract TSelf Max(TSelf x, TSelf y);

    static abstract TSelf Min(TSelf x, TSelf y);

    /// <summary>All-ones lanes where <paramref name="x"/> &gt; <paramref name="y"/>.</summary>
    static abstract TSelf GreaterThan(TSelf x, TSelf y);

    static abstract TSelf LessThan(TSelf x, TSelf y);

    /// <summary>All-ones lanes where <paramref name="x"/> is NaN.</summary>
    static abstract TSelf IsNaN(TSelf x);

    /// <summary>Lanes of <paramref name="ifTrue"/> where <paramref name="mask"/> is all-ones, else of <paramref name="ifFalse"/>.</summary>
    static abstract TSelf Select(TSelf mask, TSelf ifTrue, TSelf ifFalse);
}

/// <summary>128-bit lanes (SSE2 on x64, AdvSIMD/NEON on ARM64).</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal readonly struct Simd128<T>(Vector128<T> value) : ISimdVector<Simd128<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector128<T> _value = value;

    public static int Count => Vector128<T>.Count;

    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Create(T value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Load(ref readonly T source) => new(Vector128.LoadUnsafe(in source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd128<T> value, ref T destination) => value._value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Sqrt(Simd128<T> x) => new(Vector128.Sqrt(x._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> FusedMultiplyAdd(Simd128<T> a, Simd128<T> b, Simd128<T> c) => typeof(T) == typeof(float)
        ? new(Vector128.FusedMultiplyAdd(a._value.AsSingle(), b._value.AsSingle(), c._value.AsSingle()).As<float, T>())
        : new(Vector128.FusedMultiplyAdd(a._value.AsDouble(), b._value.AsDouble(), c._value.AsDouble()).As<double, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddSquaresInDouble(Simd128<T> x, ref double destination)
    {
        if (typeof(T) == typeof(float))
        {
            var (low, high) = Vector128.Widen(x._value.AsSingle());
            Vector128.FusedMultiplyAdd(low, low, Vector128.LoadUnsafe(ref destination)).StoreUnsafe(ref destination);
            Vector128.FusedMultiplyAdd(high, high, Vector128.LoadUnsafe(ref destination, (nuint)Vector128<double>.Count)).StoreUnsafe(ref destination, (nuint)Vector128<double>.Count);
        }
        else
        {
            var d = x._value.AsDouble();
            Vector128.FusedMultiplyAdd(d, d, Vector128.LoadUnsafe(ref destination)).StoreUnsafe(ref destination);
        }
    }

    public static Simd128<T> Cbrt(Simd128<T> x)
    {
        Span<T> lanes = stackalloc T[Vector128<T>.Count];
        x._value.CopyTo(lanes);
        for (int i = 0; i < lanes.Length; i++)
        {
            lanes[i] = T.Cbrt(lanes[i]);
        }

        return new(Vector128.Create<T>(lanes));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Abs(Simd128<T> x) => new(Vector128.Abs(x._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Max(Simd128<T> x, Simd128<T> y) => new(Vector128.Max(x._value, y._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Min(Simd128<T> x, Simd128<T> y) => new(Vector128.Min(x._value, y._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> GreaterThan(Simd128<T> x, Simd128<T> y) => new(Vector128.GreaterThan(x._value, y._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> LessThan(Simd128<T> x, Simd128<T> y) => new(Vector128.LessThan(x._value, y._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> IsNaN(Simd128<T> x) => new(Vector128.IsNaN(x._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> Select(Simd128<T> mask, Simd128<T> ifTrue, Simd128<T> ifFalse) =>
        new(Vector128.ConditionalSelect(mask._value, ifTrue._value, ifFalse._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> operator +(Simd128<T> left, Simd128<T> right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> operator -(Simd128<T> left, Simd128<T> right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> operator *(Simd128<T> left, Simd128<T> right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> operator /(Simd128<T> left, Simd128<T> right) => new(left._value / right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd128<T> operator -(Simd128<T> value) => new(-value._value);
}

/// <summary>256-bit lanes (AVX2).</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal readonly struct Simd256<T>(Vector256<T> value) : ISimdVector<Simd256<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector256<T> _value = value;

    public static int Count => Vector256<T>.Count;

    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Create(T value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Load(ref readonly T source) => new(Vector256.LoadUnsafe(in source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd256<T> value, ref T destination) => value._value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Sqrt(Simd256<T> x) => new(Vector256.Sqrt(x._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> FusedMultiplyAdd(Simd256<T> a, Simd256<T> b, Simd256<T> c) => typeof(T) == typeof(float)
        ? new(Vector256.FusedMultiplyAdd(a._value.AsSingle(), b._value.AsSingle(), c._value.AsSingle()).As<float, T>())
        : new(Vector256.FusedMultiplyAdd(a._value.AsDouble(), b._value.AsDouble(), c._value.AsDouble()).As<double, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddSquaresInDouble(Simd256<T> x, ref double destination)
    {
        if (typeof(T) == typeof(float))
        {
            var (low, high) = Vector256.Widen(x._value.AsSingle());
            Vector256.FusedMultiplyAdd(low, low, Vector256.LoadUnsafe(ref destination)).StoreUnsafe(ref destination);
            Vector256.FusedMultiplyAdd(high, high, Vector256.LoadUnsafe(ref destination, (nuint)Vector256<double>.Count)).StoreUnsafe(ref destination, (nuint)Vector256<double>.Count);
        }
        else
        {
            var d = x._value.AsDouble();
            Vector256.FusedMultiplyAdd(d, d, Vector256.LoadUnsafe(ref destination)).StoreUnsafe(ref destination);
        }
    }

    public static Simd256<T> Cbrt(Simd256<T> x)
    {
        Span<T> lanes = stackalloc T[Vector256<T>.Count];
        x._value.CopyTo(lanes);
        for (int i = 0; i < lanes.Length; i++)
        {
            lanes[i] = T.Cbrt(lanes[i]);
        }

        return new(Vector256.Create<T>(lanes));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Abs(Simd256<T> x) => new(Vector256.Abs(x._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Max(Simd256<T> x, Simd256<T> y) => new(Vector256.Max(x._value, y._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Min(Simd256<T> x, Simd256<T> y) => new(Vector256.Min(x._value, y._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> GreaterThan(Simd256<T> x, Simd256<T> y) => new(Vector256.GreaterThan(x._value, y._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> LessThan(Simd256<T> x, Simd256<T> y) => new(Vector256.LessThan(x._value, y._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> IsNaN(Simd256<T> x) => new(Vector256.IsNaN(x._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Select(Simd256<T> mask, Simd256<T> ifTrue, Simd256<T> ifFalse) =>
        new(Vector256.ConditionalSelect(mask._value, ifTrue._value, ifFalse._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> operator +(Simd256<T> left, Simd256<T> right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> operator -(Simd256<T> left, Simd256<T> right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> operator *(Simd256<T> left, Simd256<T> right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> operator /(Simd256<T> left, Simd256<T> right) => new(left._value / right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> operator -(Simd256<T> value) => new(-value._value);
}

/// <summary>512-bit lanes (AVX-512).</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal readonly struct Simd512<T>(Vector512<T> value) : ISimdVector<Simd512<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector512<T> _value = value;

    public static int Count => Vector512<T>.Count;

    public static bool IsHardwareAccelerated => Vector512.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Create(T value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Load(ref readonly T source) => new(Vector512.LoadUnsafe(in source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd512<T> value, ref T destination) => value._value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Sqrt(Simd512<T> x) => new(Vector512.Sqrt(x._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> FusedMultiplyAdd(Simd512<T> a, Simd512<T> b, Simd512<T> c) => typeof(T) == typeof(float)
        ? new(Vector512.FusedMultiplyAdd(a._value.AsSingle(), b._value.AsSingle(), c._value.AsSingle()).As<float, T>())
        : new(Vector512.FusedMultiplyAdd(a._value.AsDouble(), b._value.AsDouble(), c._value.AsDouble()).As<double, T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddSquaresInDouble(Simd512<T> x, ref double destination)
    {
        if (typeof(T) == typeof(float))
        {
            var (low, high) = Vector512.Widen(x._value.AsSingle());
            Vector512.FusedMultiplyAdd(low, low, Vector512.LoadUnsafe(ref destination)).StoreUnsafe(ref destination);
            Vector512.FusedMultiplyAdd(high, high, Vector512.LoadUnsafe(ref destination, (nuint)Vector512<double>.Count)).StoreUnsafe(ref destination, (nuint)Vector512<double>.Count);
        }
        else
        {
            var d = x._value.AsDouble();
            Vector512.FusedMultiplyAdd(d, d, Vector512.LoadUnsafe(ref destination)).StoreUnsafe(ref destination);
        }
    }

    public static Simd512<T> Cbrt(Simd512<T> x)
    {
        Span<T> lanes = stackalloc T[Vector512<T>.Count];
        x._value.CopyTo(lanes);
        for (int i = 0; i < lanes.Length; i++)
        {
            lanes[i] = T.Cbrt(lanes[i]);
        }

        return new(Vector512.Create<T>(lanes));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Abs(Simd512<T> x) => new(Vector512.Abs(x._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Max(Simd512<T> x, Simd512<T> y) => new(Vector512.Max(x._value, y._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Min(Simd512<T> x, Simd512<T> y) => new(Vector512.Min(x._value, y._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> GreaterThan(Simd512<T> x, Simd512<T> y) => new(Vector512.GreaterThan(x._value, y._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> LessThan(Simd512<T> x, Simd512<T> y) => new(Vector512.LessThan(x._value, y._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> IsNaN(Simd512<T> x) => new(Vector512.IsNaN(x._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Select(Simd512<T> mask, Simd512<T> ifTrue, Simd512<T> ifFalse) =>
        new(Vector512.ConditionalSelect(mask._value, ifTrue._value, ifFalse._value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> operator +(Simd512<T> left, Simd512<T> right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> operator -(Simd512<T> left, Simd512<T> right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> operator *(Simd512<T> left, Simd512<T> right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> operator /(Simd512<T> left, Simd512<T> right) => new(left._value / right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> operator -(Simd512<T> value) => new(-value._value);
}
