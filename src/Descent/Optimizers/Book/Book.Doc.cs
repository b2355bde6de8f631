namespace Descent.Optimizers.Book;

/// <summary>What <c>explain</c> and the reports say about the book's six optimizers (ch. 6 of <i>Deep Learning from Scratch</i>).</summary>
internal static class BookDoc
{
    private static readonly OptimizerReference Reference = new(
        "Koki Saitoh", "Deep Learning from Scratch (O'Reilly Japan), §6.1", 2016, null, "the book's common/optimizer.py");

    internal static OptimizerDoc Sgd { get; } = new()
    {
        Update = [new("θ ← θ − ηg")],
        OneLine = "θ ← θ − ηg",
        Reference = Reference,
        Conventions =
        [
            new(ConventionTopic.Defaults, "The same step as torch.optim.SGD without momentum, optax.sgd and Keras' SGD; the book's default rate is 0.01 (PyTorch's 1e-3).",
                ConventionSides.BookSgd.Against(ConventionSides.Sgd)),
        ],
    };

    internal static OptimizerDoc Momentum { get; } = new()
    {
        Update = [new("v ← μv − ηg"), new("θ ← θ + v")],
        OneLine = "v ← μv − ηg; θ ← θ + v",
        Reference = Reference,
        Conventions =
        [
            new(ConventionTopic.MomentumForm,
                "The book and Keras keep the velocity with the rate inside (v ← μv − ηg; θ ← θ + v); PyTorch keeps b ← μb + g and steps θ ← θ − ηb. Equal while η is constant; after a change of η (here tenfold down at step 3) PyTorch's step shrinks at once, the book's only as old velocity decays.",
                ConventionSides.BookMomentum.Against(ConventionSides.Momentum, ConventionSides.RateCutAtStep3)),
        ],
    };

    internal static OptimizerDoc Nesterov { get; } = new()
    {
        Update = [new("v ← μv"), new("v ← v − ηg"), new("θ ← θ + μ^2v"), new("θ ← θ − (1 + μ)ηg")],
        OneLine = "v ← μv − ηg; θ ← θ + μ^2v − (1 + μ)ηg",
        Reference = new("Bengio, Boulanger-Lewandowski and Pascanu (as the book's code)", "Advances in Optimizing Recurrent Networks", 2013, "1212.0901", Reference.Implementation),
        Conventions =
        [
            new(ConventionTopic.Nesterov,
                "The book steps with the velocity already updated (θ ← θ + μ²v − (1 + μ)ηg after v ← μv − ηg), which in PyTorch's terms is θ ← θ − η(μ³b₋ + (1 + μ + μ²)g); torch.optim.SGD(nesterov=True) steps θ ← θ − η(g + μb) = θ − η(μ²b₋ + (1 + μ)g), with b₋ the previous buffer.",
                ConventionSides.BookNesterov.Against(ConventionSides.Nesterov)),
        ],
    };

    internal static OptimizerDoc AdaGrad { get; } = new()
    {
        Update = [new("h ← h + g^2"), new("θ ← θ − ηg/(√h + ε)")],
        OneLine = "h ← h + g^2; θ ← θ − ηg/(√h + 10^{−7})",
        Reference = Reference,
        Conventions =
        [
            new(ConventionTopic.Epsilon,
                "The book adds ε = 1e-7 outside the root, PyTorch the same form with ε = 1e-10 (plus a rate decay and an initial accumulator, both 0 by default); Keras adds ε inside the root and starts the accumulator at 0.1. Where gradients are tiny (the third coordinate, g = 10⁻⁶) the book's larger ε shortens the step.",
                ConventionSides.BookAdaGrad.Against(ConventionSides.AdaGrad)),
        ],
    };

    internal static OptimizerDoc RmsProp { get; } = new()
    {
        Update = [new("h ← ρh"), new("h ← h + (1 − ρ)g^2"), new("θ ← θ − ηg/(√h + ε)")],
        OneLine = "h ← ρh + (1 − ρ)g^2; θ ← θ − ηg/(√h + 10^{−7})",
        Reference = Reference,
        Conventions =
        [
            new(ConventionTopic.Epsilon,
                "The book adds ε = 1e-7 outside the root and PyTorch 1e-8 outside it, both with decay 0.99; Keras 3 adds 1e-7 and Optax's rmsprop 1e-8 inside the root (eps_in_sqrt=True), both with decay 0.9.",
                ConventionSides.BookRmsProp.Against(ConventionSides.RmsProp)),
        ],
    };

    internal static OptimizerDoc Adam { get; } = new()
    {
        Update =
        [
            new("η_t = η√(1 − β_2^t)/(1 − β_1^t)"),
            new("m ← m + (1 − β_1)(g − m)"),
            new("v ← v + (1 − β_2)(g^2 − v)"),
            new("θ ← θ − η_t·m/(√v + ε̂)"),
        ],
        OneLine = "η_t = η√(1 − β_2^t)/(1 − β_1^t); θ ← θ − η_t·m/(√v + ε̂)",
        Reference = AdamDoc.Reference with { Authors = "Kingma and Ba (as the book's code)", Implementation = Reference.Implementation },
        Conventions =
        [
            new(ConventionTopic.BiasCorrection,
                "The book, Keras and the paper's §2 fold the bias corrections into the rate and add ε̂ (1e-7 here, as Keras) to the raw √v; PyTorch and Optax correct the moments and add ε to √v̂. The forms agree with ε̂ = ε√(1 − β₂ᵗ), so they part most in the first steps and where v is small (the third coordinate here).",
                ConventionSides.BookAdam.Against(ConventionSides.Adam with { Label = "Adam(lr=0.1, eps=1e-8)" })),
        ],
    };
}
