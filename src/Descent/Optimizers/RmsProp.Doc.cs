namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="RmsProp{T}"/>.</summary>
internal static class RmsPropDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            UpdateLines.Maximize,
            UpdateLines.WeightDecay,
            new("s ← αs + (1 − α)g^2"),
            new("ḡ ← ḡ + (1 − α)(g − ḡ);  d = √(s − ḡ^2) + ε", "centered"),
            new("d = √s + ε", "not centered"),
            new("b ← μb + g/d;  θ ← θ − ηb", "momentum μ ≠ 0"),
            new("θ ← θ − ηg/d", "μ = 0"),
        ],
        OneLine = "s ← αs + (1 − α)g^2; θ ← θ − ηg/(√s + ε)",
        Reference = new("Tieleman and Hinton", "Lecture 6.5, rmsprop: Divide the gradient by a running average of its recent magnitude (COURSERA: Neural Networks for Machine Learning)", 2012, null, "torch.optim.RMSprop (PyTorch 2.11)"),
        Conventions =
        [
            new(ConventionTopic.Epsilon,
                "PyTorch adds ε = 1e-8 outside the root and the book 1e-7 outside it, both with α = 0.99; Keras 3 (1e-7) and Optax's rmsprop (1e-8, eps_in_sqrt=True) add ε inside the root, with decay 0.9.",
                ConventionSides.RmsProp.Against(ConventionSides.BookRmsProp)),
            new(ConventionTopic.MomentumForm, "With momentum PyTorch accumulates the normalised gradient, b ← μb + g/d, and steps θ ← θ − ηb; Keras 3 accumulates the step with the rate inside, m ← μm + ηg/d; θ ← θ − m, so a change of η reaches old steps only as they decay."),
        ],
    };
}
