namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Lion{T}"/>.</summary>
internal static class LionDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("c = (1 − β_1)g + β_1m"),
            new("m ← (1 − β_2)g + β_2m"),
            new("θ ← θ − η(sign(c) + λθ)"),
        ],
        OneLine = "c = (1 − β_1)g + β_1m; m ← (1 − β_2)g + β_2m; θ ← θ − η(sign(c) + λθ)",
        Reference = new("Chen, Liang, Huang, Real, Wang, Liu, Pham, Dong, Luong, Hsieh, Lu and Le", "Symbolic Discovery of Optimization Algorithms", 2023, "2302.06675", "optax.lion"),
        Conventions =
        [
            new(ConventionTopic.WeightDecay, "Decoupled and scaled by η as in the paper and lucidrains' lion-pytorch (θ ← θ − ηλθ); Keras' Lion uses the base optimizer's decoupled decay, the same product. PyTorch has no Lion; the catalog holds only Optax's, so there is no side-by-side run."),
            new(ConventionTopic.Defaults, "Optax: β = (0.9, 0.99), λ = 1e-3; Keras: β = (0.9, 0.99), no decay. sign(0) = 0 (jnp.sign)."),
        ],
    };
}
