using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers.Book;

/// <summary>
/// The book's Nesterov accelerated gradient (its <c>common/optimizer.py</c>), in the reformulation of
/// Bengio et al. (2013, "Advances in optimizing recurrent networks") that needs the gradient only at θ:
/// <code>
/// v ← μv − η g,   θ ← θ + μ²v − (1 + μ)η g
/// </code>
/// PyTorch's <c>SGD(nesterov=True)</c> steps θ ← θ − η(g + μb) after b ← μb + g, which in the book's terms is
/// θ ← θ + μ²v₋ − (1 + μ)ηg with the <em>previous</em> v; the book's uses the updated v, so the two trajectories
/// differ even for a constant η (<c>descent explain book-nesterov</c> runs both).
/// State: <c>v</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class BookNesterov<T>(IEnumerable<Parameter<T>> parameters, BookMomentumOptions? options = null)
    : Optimizer<T, BookMomentumOptions>(parameters, options ?? new BookMomentumOptions())
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, BookMomentumOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        var kernel = new BookNesterovKernel<T>(
            T.CreateTruncating(o.LearningRate),
            T.CreateTruncating(o.Momentum),
            T.CreateTruncating(o.Momentum * o.Momentum),
            T.CreateTruncating((1 + o.Momentum) * o.LearningRate));
        T[] velocity = State(group, "v");
        RunKernel(group, kernel, velocity);
    }
}

/// <summary>The book's four statements in its order: <c>v *= μ; v -= ηg; θ += μμv; θ -= (1+μ)ηg</c>.</summary>
internal readonly struct BookNesterovKernel<T>(T lr, T momentum, T momentumSquared, T gradientRate) : IUpdate1<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T v)
    {
        v *= momentum;
        v -= lr * g;
        p += momentumSquared * v;
        return p - (gradientRate * g);
    }

    public TV Simd<TV>(TV p, TV g, ref TV v)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        v *= TV.Create(momentum);
        v -= TV.Create(lr) * g;
        p += TV.Create(momentumSquared) * v;
        return p - (TV.Create(gradientRate) * g);
    }
}
