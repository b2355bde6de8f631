using Descent.Optimizers.Book;

namespace Descent.Optimizers;

/// <summary>Update lines that several optimizers' docs share, so that each is written (and worded) once.</summary>
internal static class UpdateLines
{
    internal static UpdateLine Maximize { get; } = new("g ← −g", "maximize");

    /// <summary>Weight decay as L2 in the gradient, for optimizers that have no decoupled form.</summary>
    internal static UpdateLine WeightDecay { get; } = new("g ← g + λθ", "weight_decay λ ≠ 0");

    /// <summary>The L2 form of an optimizer that also offers the decoupled one (<see cref="DecoupledWeightDecay"/>).</summary>
    internal static UpdateLine CoupledWeightDecay { get; } = WeightDecay with { When = "coupled weight decay λ ≠ 0" };

    internal static UpdateLine DecoupledWeightDecay { get; } = new("θ ← θ(1 − ηλ)", "decoupled weight decay");
}

/// <summary>One side of a <see cref="ConventionExample"/>: the label explain prints and the configuration it runs.</summary>
internal sealed record ConventionSide(string Label, OptimizerOptions Options)
{
    /// <summary>This side and <paramref name="right"/> for three steps at this side's rate.</summary>
    internal ConventionExample Against(ConventionSide right) =>
        Against(right, [Options.LearningRate, Options.LearningRate, Options.LearningRate]);

    /// <summary>This side and <paramref name="right"/> with the rate set before each step.</summary>
    internal ConventionExample Against(ConventionSide right, IReadOnlyList<double> learningRates) =>
        new(Label, Options, right.Label, right.Options, learningRates);
}

/// <summary>
/// The configurations the convention examples compare, each defined once: most pairs are shown from both sides
/// (PyTorch's Momentum note runs the book's, and the book's note runs PyTorch's).
/// </summary>
internal static class ConventionSides
{
    /// <summary>The rate of the momentum examples: it drops tenfold at step 3, where the two momentum forms part.</summary>
    internal static IReadOnlyList<double> RateCutAtStep3 { get; } = [0.1, 0.1, 0.01];

    internal static ConventionSide Sgd { get; } = new("SGD(lr=0.1)", new SgdOptions { LearningRate = 0.1 });

    internal static ConventionSide BookSgd { get; } = new("BookSGD(lr=0.1)", new BookSgdOptions { LearningRate = 0.1 });

    internal static ConventionSide Momentum { get; } = new("Momentum(lr=0.1, momentum=0.9)", new SgdOptions { LearningRate = 0.1, Momentum = 0.9 });

    internal static ConventionSide BookMomentum { get; } = new("BookMomentum(lr=0.1, momentum=0.9)", new BookMomentumOptions { LearningRate = 0.1, Momentum = 0.9 });

    internal static ConventionSide Nesterov { get; } = new("Nesterov(lr=0.1, momentum=0.9)", new SgdOptions { LearningRate = 0.1, Momentum = 0.9, Nesterov = true });

    internal static ConventionSide BookNesterov { get; } = new("BookNesterov(lr=0.1, momentum=0.9)", new BookMomentumOptions { LearningRate = 0.1, Momentum = 0.9, Nesterov = true });

    internal static ConventionSide AdaGrad { get; } = new("Adagrad(lr=0.1)", new AdaGradOptions { LearningRate = 0.1 });

    internal static ConventionSide BookAdaGrad { get; } = new("BookAdaGrad(lr=0.1)", new BookAdaGradOptions { LearningRate = 0.1 });

    internal static ConventionSide RmsProp { get; } = new("RMSprop(lr=0.01)", new RmsPropOptions { LearningRate = 0.01 });

    internal static ConventionSide BookRmsProp { get; } = new("BookRMSprop(lr=0.01)", new BookRmsPropOptions { LearningRate = 0.01 });

    internal static ConventionSide Adam { get; } = new("Adam(lr=0.1)", new AdamOptions { LearningRate = 0.1 });

    /// <summary>The book's Adam with PyTorch's ε, so that only where ε enters differs.</summary>
    internal static ConventionSide BookAdam { get; } = new("BookAdam(lr=0.1, eps=1e-8)", new BookAdamOptions { LearningRate = 0.1, Epsilon = 1e-8 });

    internal static ConventionSide AdamWeightDecay { get; } = new("Adam(lr=0.1, weight_decay=0.1)", new AdamOptions { LearningRate = 0.1, WeightDecay = 0.1 });

    internal static ConventionSide AdamW { get; } = new("AdamW(lr=0.1, weight_decay=0.1)", new AdamWOptions { LearningRate = 0.1, WeightDecay = 0.1 });

    internal static ConventionSide AdamAmsGrad { get; } = new("Adam(lr=0.1, amsgrad=True)", new AdamOptions { LearningRate = 0.1, AmsGrad = true });

    internal static ConventionSide OptaxAmsGrad { get; } = new("optax.amsgrad(0.1)", new OptaxAmsGradOptions { LearningRate = 0.1 });

    internal static ConventionSide Adafactor { get; } = new("Adafactor(lr=0.01)", new AdafactorOptions { LearningRate = 0.01 });

    internal static ConventionSide OptaxAdafactor { get; } = new("optax.adafactor(0.01)", new OptaxAdafactorOptions { LearningRate = 0.01 });
}
