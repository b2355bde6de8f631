namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Sm3{T}"/>.</summary>
internal static class Sm3Doc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("a = g^2 + min_k μ_k[i_k]", "vectors: a ← a + g², a full accumulator"),
            new("μ_k[j] ← max of a over the elements with i_k = j", "one accumulator vector per axis"),
            new("m ← (1 − β_1)·g/√(a + 10^{−8}) + β_1m", "0 where a = 0"),
            new("θ ← θ − η·m"),
        ],
        OneLine = "a = g^2 + min over axes of the per-axis maxima; m ← β_1m + (1 − β_1)g/√a; θ ← θ − ηm",
        Reference = new("Anil, Gupta, Koren and Singer", "Memory-Efficient Adaptive Optimization", 2019, "1901.11150", "optax.sm3"),
        Conventions =
        [
            new(ConventionTopic.Epsilon, "Optax adds 1e-8 inside the root and averages the normalised gradient with (1 − β₁); the paper's SM3-II is stated without momentum. PyTorch and Keras have none in their core; the catalog holds only Optax's, so there is no side-by-side run."),
        ],
    };
}
