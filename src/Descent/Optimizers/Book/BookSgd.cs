using System.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers.Book;

/// <summary>Options of <see cref="BookSgd{T}"/> (the book's default lr 0.01).</summary>
public sealed record BookSgdOptions : OptimizerOptions, IOptimizerFactory
{
    /// <inheritdoc/>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => new BookSgd<T>(parameters, this);

    /// <summary>Creates the options with the book's defaults.</summary>
    public BookSgdOptions() => LearningRate = 0.01;
}

/// <summary>
/// The book's SGD (<i>Deep Learning from Scratch</i>, §6.1.2): <c>θ ← θ − η g</c>. Identical to
/// <see cref="Sgd{T}"/> without momentum; here so that all of the book's classes come from one place.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class BookSgd<T>(IEnumerable<Parameter<T>> parameters, BookSgdOptions? options = null)
    : Optimizer<T, BookSgdOptions>(parameters, options ?? new BookSgdOptions())
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    protected override void UpdateGroup(ParameterGroup<T, BookSgdOptions> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var kernel = new SgdKernel<T>(new GradientTransform<T>(false, 0), T.CreateTruncating(group.Options.LearningRate));
        RunKernel(group, kernel);
    }
}
