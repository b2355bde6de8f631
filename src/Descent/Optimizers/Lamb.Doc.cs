namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Lamb{T}"/>.</summary>
internal static class LambDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("m ← (1 − β_1)g + β_1m;  v ← (1 − β_2)g^2 + β_2v"),
            new("u = (m/(1 − β_1^t))/(√(v/(1 − β_2^t) + ε_{root}) + ε) + λθ"),
            new("r = ‖θ‖/‖u‖", "per tensor; 1 when either norm is 0"),
            new("θ ← θ − η·r·u"),
        ],
        OneLine = "u = m̂/(√v̂ + ε) + λθ; θ ← θ − η·(‖θ‖/‖u‖)·u",
        Reference = new("You, Li, Reddi, Hseu, Kumar, Bhojanapalli, Song, Demmel, Keutzer and Hsieh", "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes", 2020, "1904.00962", "optax.lamb"),
        Conventions =
        [
            new(ConventionTopic.WeightDecay, "The decay λθ enters the direction before the trust ratio, so it is rescaled with it (Optax, the paper); PyTorch ports differ in detail (timm's Lamb clips the global gradient norm to 1 by default). PyTorch has no LAMB in its core (Keras 3 has keras.optimizers.Lamb); the catalog holds only Optax's, so there is no side-by-side run."),
            new(ConventionTopic.Epsilon, "Optax adds ε = 1e-6 outside the root of the corrected v̂ (ε_root = 0 inside)."),
        ],
    };
}
