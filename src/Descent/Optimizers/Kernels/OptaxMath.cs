using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Optimizers.Kernels;

/// <summary>Element operations whose edge cases follow JAX rather than .NET.</summary>
internal static class OptaxMath
{
    /// <summary>
    /// <c>jnp.sign</c>: ±1, and x itself for ±0 and NaN (written x·0, which keeps the zero's sign and the NaN).
    /// .NET's <c>Math.Sign</c> throws on NaN, and Lion's update would then silently differ from Optax's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sign<T>(T x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        x > T.Zero ? T.One : x < T.Zero ? -T.One : x * T.Zero;

    /// <summary>The vector form of <see cref="Sign{T}(T)"/>, lane by lane the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Sign<T, TV>(TV x)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged, ISimdVector<TV, T> =>
        TV.Select(TV.GreaterThan(x, TV.Create(T.Zero)), TV.Create(T.One),
            TV.Select(TV.LessThan(x, TV.Create(T.Zero)), TV.Create(-T.One), x * TV.Create(T.Zero)));
}
