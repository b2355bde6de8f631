namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Yogi{T}"/>.</summary>
internal static class YogiDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("m ← (1 − β_1)g + β_1m", "m and v start at 1e-6"),
            new("v ← v − (1 − β_2)·sign(v − g^2)·g^2"),
            new("θ ← θ − η·(m/(1 − β_1^t))/(√(v/(1 − β_2^t) + ε_{root}) + ε)"),
        ],
        OneLine = "v ← v − (1 − β_2)sign(v − g^2)g^2; θ ← θ − η·m̂/(√v̂ + ε)",
        Reference = new("Zaheer, Reddi, Sachan, Kale and Kumar", "Adaptive Methods for Nonconvex Optimization (NeurIPS)", 2018, null, "optax.yogi"),
        Conventions =
        [
            new(ConventionTopic.BiasCorrection, "Optax starts m and v at 1e-6 and still applies Adam's bias correction; the paper's algorithm starts from 0 and states no correction; ε = 1e-3 in both (Adam's is 1e-8). PyTorch and Keras have no Yogi; the catalog holds only Optax's, so there is no side-by-side run."),
        ],
    };
}
