using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers.Book;

/// <summary>Options of <see cref="BookAdam{T}"/> (the book's defaults lr 1e-3, β₁ 0.9, β₂ 0.999, ε 1e-7).</summary>
public sealed record BookAdamOptions : MomentOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new BookAdam<T>(parameters, this);

    /// <summary>Creates the options with the book's defaults.</summary>
    /// <remarks>Here ε is ε̂, added to √v, the uncorrected root ("epsilon hat" in Kingma and Ba, §2).</remarks>
    public BookAdamOptions()
    {
        LearningRate = 1e-3;
        Epsilon = 1e-7;
    }
}

/// <summary>
/// The book's Adam (§6.1.6 and its <c>common/optimizer.py</c>), with the bias correction folded into the rate
/// and ε̂ added to the uncorrected root, as Keras also does:
/// <code>
/// ηₜ = η √(1 − β₂ᵗ)/(1 − β₁ᵗ),  m ← m + (1 − β₁)(g − m),  v ← v + (1 − β₂)(g² − v),  θ ← θ − ηₜ m/(√v + ε̂)
/// </code>
/// PyTorch's <see cref="Adam{T}"/> adds ε to √v/√(1 − β₂ᵗ) instead; the two agree with ε̂ = ε√(1 − β₂ᵗ), so
/// they differ most in early steps and where v is tiny. State: <c>m</c>, <c>v</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class BookAdam<T>(IEnumerable<Parameter<T>> parameters, BookAdamOptions? options = null)
    : Optimizer<T, BookAdamOptions>(parameters, options ?? new BookAdamOptions()), IEffectiveStepSize<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>η√(1 − β₂ᵗ) / (√v + ε̂), the factor the book's update multiplies m̂ = m / (1 − β₁ᵗ) by.</summary>
    /// <inheritdoc/>
    public bool TryWriteEffectiveStep(string parameterName, Span<T> destination) =>
        TryWriteEffectiveStep(
            parameterName,
            destination,
            "v",
            static group => (group.Options.LearningRate * Math.Sqrt(1.0 - Math.Pow(group.Options.Beta2, group.StepCount)), 1, group.Options.Epsilon));

    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, BookAdamOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var o = group.Options;
        double t = group.StepCount;
        double rate = o.LearningRate * Math.Sqrt(1.0 - Math.Pow(o.Beta2, t)) / (1.0 - Math.Pow(o.Beta1, t));
        var kernel = new BookAdamKernel<T>(
            T.CreateTruncating(rate), T.CreateTruncating(1 - o.Beta1), T.CreateTruncating(1 - o.Beta2), T.CreateTruncating(o.Epsilon));
        T[] m = State(group, "m");
        T[] v = State(group, "v");
        RunKernel(group, kernel, m, v);
    }
}

/// <summary><c>m += (1−β₁)(g − m); v += (1−β₂)(g² − v); θ −= ηₜm / (√v + ε̂)</c>, in the book's operation order.</summary>
internal readonly struct BookAdamKernel<T>(T rate, T oneMinusBeta1, T oneMinusBeta2, T eps) : IUpdate2<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Scalar(T p, T g, ref T m, ref T v)
    {
        m += oneMinusBeta1 * (g - m);
        v += oneMinusBeta2 * ((g * g) - v);
        return p - (rate * m / (T.Sqrt(v) + eps));
    }

    public TV Simd<TV>(TV p, TV g, ref TV m, ref TV v)
        where TV : unmanaged, ISimdVector<TV, T>
    {
        m += TV.Create(oneMinusBeta1) * (g - m);
        v += TV.Create(oneMinusBeta2) * ((g * g) - v);
        return p - (TV.Create(rate) * m / (TV.Sqrt(v) + TV.Create(eps)));
    }
}
