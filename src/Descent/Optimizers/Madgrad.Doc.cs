namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Madgrad{T}"/>.</summary>
internal static class MadgradDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("λ_k = (η + ε)√(k + 1)", "k counts from 0"),
            UpdateLines.WeightDecay,
            new("G ← G + λ_kg^2;  s ← s + λ_kg"),
            new("z = θ_0 − s/(∛G + ε)", "θ₀: θ at the first step"),
            new("θ ← θ + ((1 − c)z + cθ − θ)", "c: momentum"),
        ],
        OneLine = "z = θ_0 − Σλ_kg/(∛(Σλ_kg^2) + ε); θ ← (1 − c)z + cθ",
        Reference = new("Defazio and Jelassi", "Adaptivity without Compromise: A Momentumized, Adaptive, Dual Averaged Gradient Method for Stochastic Optimization", 2021, "2101.11075", "optax.contrib.madgrad"),
        Conventions =
        [
            new(ConventionTopic.WeightDecay, "Optax adds λθ to the gradient before the dual averaging (coupled), as the authors' madgrad package for PyTorch does by default (decouple_decay=False). Keras has none; the catalog holds only Optax's, so there is no side-by-side run."),
        ],
    };
}
