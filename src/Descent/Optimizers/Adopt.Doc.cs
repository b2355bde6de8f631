namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Adopt{T}"/>.</summary>
internal static class AdoptDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("ĝ = clip(g/max(√v, ε), −t^{1/4}, t^{1/4})", "t counts from 0; v from the previous steps"),
            new("v ← (1 − β_2)g^2 + β_2v", "β₂ = 0 at t = 0"),
            new("m ← (1 − β_1)ĝ + β_1m", "β₁ = 1 at t = 0: the first step moves nothing"),
            new("θ ← θ − η·m"),
        ],
        OneLine = "ĝ = clip(g/max(√v_{t−1}, ε)); m ← β_1m + (1 − β_1)ĝ; θ ← θ − ηm",
        Reference = new("Taniguchi, Harada, Minegishi, Oshima, Jeong, Nagahara, Iiyama, Suzuki, Iwasawa and Matsuo", "ADOPT: Modified Adam Can Converge with Any β₂ with the Optimal Rate", 2024, "2411.02853", "optax.contrib.adopt"),
        Conventions =
        [
            new(ConventionTopic.Epsilon, "Optax and the authors' PyTorch code take max(√v, ε) (ε = 1e-6), not √v + ε, and no bias correction; the PyTorch code skips the update at the first step the same way. Keras has none; the catalog holds only Optax's, so there is no side-by-side run."),
        ],
    };
}
