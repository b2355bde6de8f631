namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Sgd{T}"/> as SGD, Momentum and Nesterov.</summary>
internal static class SgdDoc
{
    private static readonly UpdateLine[] Update =
    [
        UpdateLines.Maximize,
        UpdateLines.WeightDecay with { When = "weight_decay λ ≠ 0 (coupled: L2 in the gradient)" },
        new("b ← g", "μ ≠ 0, first step"),
        new("b ← μb + (1 − τ)g", "μ ≠ 0, later steps (τ: dampening)"),
        new("g ← g + μb", "nesterov"),
        new("g ← b", "μ ≠ 0 without nesterov"),
        new("θ ← θ − ηg"),
    ];

    private static readonly ConventionNote WeightDecayNote = new(ConventionTopic.WeightDecay,
        "PyTorch and Optax (add_decayed_weights before sgd) add λθ to the gradient, so it passes through the momentum buffer; Keras 3 decays θ ← θ − ηλθ apart from it (decoupled).");

    internal static OptimizerDoc Sgd { get; } = new()
    {
        Update = Update,
        OneLine = "θ ← θ − ηg",
        Reference = new("Robbins and Monro", "A Stochastic Approximation Method", 1951, null, "torch.optim.SGD (PyTorch 2.11)"),
        Conventions =
        [
            new(ConventionTopic.Defaults, "Without momentum every framework takes the same step θ ← θ − ηg; only the default rate differs (PyTorch 1e-3, the book 0.01, Keras 0.01, Optax none).",
                ConventionSides.Sgd.Against(ConventionSides.BookSgd)),
            WeightDecayNote,
        ],
    };

    internal static OptimizerDoc Momentum { get; } = new()
    {
        Update = Update,
        OneLine = "b ← μb + g; θ ← θ − ηb",
        Reference = new(
            "Polyak; Sutskever, Martens, Dahl and Hinton",
            "Some methods of speeding up the convergence of iteration methods (1964); On the importance of initialization and momentum in deep learning",
            2013, null, "torch.optim.SGD(momentum=0.9) (PyTorch 2.11)"),
        Conventions =
        [
            new(ConventionTopic.MomentumForm,
                "PyTorch keeps b ← μb + g and steps θ ← θ − ηb; the book, Keras and Sutskever et al. keep v ← μv − ηg and step θ ← θ + v. The two agree while η is constant; when η changes PyTorch rescales the whole buffer at once, the others only new gradients (here η drops tenfold at step 3).",
                ConventionSides.Momentum.Against(ConventionSides.BookMomentum, ConventionSides.RateCutAtStep3)),
            new(ConventionTopic.Formula, "PyTorch's dampening τ scales the gradient into the buffer from the second step on (b ← μb + (1 − τ)g, the first step b ← g); Optax's trace and Keras have no dampening."),
            WeightDecayNote,
        ],
    };

    internal static OptimizerDoc Nesterov { get; } = new()
    {
        Update = Update,
        OneLine = "b ← μb + g; θ ← θ − η(g + μb)",
        Reference = new(
            "Nesterov; Sutskever, Martens, Dahl and Hinton",
            "A method for solving the convex programming problem with convergence rate O(1/k²) (1983); On the importance of initialization and momentum in deep learning",
            2013, null, "torch.optim.SGD(momentum=0.9, nesterov=True) (PyTorch 2.11)"),
        Conventions =
        [
            new(ConventionTopic.Nesterov,
                "PyTorch (and Optax's trace(nesterov=True), Keras) step along g + μb with the new buffer; the book's Nesterov (Bengio et al. 2013) updates v ← μv − ηg first and then steps θ ← θ + μ²v − (1 + μ)ηg with that new v, which weights the past by μ³ rather than μ².",
                ConventionSides.Nesterov.Against(ConventionSides.BookNesterov)),
            new(ConventionTopic.MomentumForm, "As for Momentum: PyTorch's rate multiplies the whole buffer, Keras' and the book's only the new gradient."),
            WeightDecayNote,
        ],
    };
}
