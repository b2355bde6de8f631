namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Adan{T}"/>.</summary>
internal static class AdanDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("d = g − g_{prev}", "0 at the first step"),
            new("m ← (1 − β_1)g + β_1m;  v ← (1 − β_2)d + β_2v;  n ← (1 − β_3)(g + (1 − β_2)d)^2 + β_3n"),
            new("θ ← θ − η·((m/(1 − β_1^t) + (1 − β_2)·v/(1 − β_2^t))/(√(n/(1 − β_3^t) + ε_{root}) + ε) + λθ)"),
            new("g_{prev} ← g"),
        ],
        OneLine = "θ ← θ − η((m̂ + (1 − β_2)v̂)/(√n̂ + ε) + λθ), v the average of gradient differences",
        Reference = new("Xie, Zhou, Li, Lin and Yan", "Adan: Adaptive Nesterov Momentum Algorithm for Faster Optimizing Deep Models", 2022, "2208.06677", "optax.adan"),
        Conventions =
        [
            new(ConventionTopic.WeightDecay, "Optax adds λθ to the direction (decoupled, scaled by η); the paper and its PyTorch code apply the proximal form θ ← θ/(1 + ηλ). Optax's betas are the paper's 1 − β (β = (0.98, 0.92, 0.99)). Keras has none; the catalog holds only Optax's, so there is no side-by-side run."),
        ],
    };
}
