using System.Numerics;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// PyTorch's first lines of every update: <c>g ← −g</c> when maximizing, then <c>g ← g + λθ</c> (coupled
/// weight decay). Both are folded into constants, so the kernel does not branch: ±1 · g is exact, and with
/// λ = 0 the decay adds an exact zero.
/// </summary>
internal readonly struct GradientTransform<T>(bool maximize, double weightDecay)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _sign = maximize ? -T.One : T.One;
    private readonly T _decay = T.CreateTruncating(weightDecay);

    public T Apply(T p, T g) => (_sign * g) + (_decay * p);

    public TV Apply<TV>(TV p, TV g)
        where TV : unmanaged, ISimdVector<TV, T> => (TV.Create(_sign) * g) + (TV.Create(_decay) * p);
}
