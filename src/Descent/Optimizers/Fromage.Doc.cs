namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Fromage{T}"/>.</summary>
internal static class FromageDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("k = 1/√(1 + η^2)"),
            new("θ ← θ + (−ηk·g·‖θ‖/‖g‖ + (k − 1)θ)", "per tensor; norms floored at min_norm"),
        ],
        OneLine = "θ ← (θ − η·g·‖θ‖/‖g‖)/√(1 + η^2)",
        Reference = new("Bernstein, Vahdat, Yue and Liu", "On the distance between two neural networks and the stability of learning", 2020, "2002.03432", "optax.fromage"),
        Conventions =
        [
            new(ConventionTopic.Formula, "Optax writes the paper's (θ − η‖θ‖/‖g‖·g)/√(1 + η²) as a chain of transforms (trust ratio, scale by ηk, decayed weights k − 1), which differs from the paper only in rounding and in flooring the norms at min_norm. Keras has none; the catalog holds only Optax's, so there is no side-by-side run."),
        ],
    };
}
