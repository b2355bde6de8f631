namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="OptaxAmsGrad{T}"/>.</summary>
internal static class OptaxAmsGradDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("m ← (1 − β_1)g + β_1m;  v ← (1 − β_2)g^2 + β_2v"),
            new("v̂ ← max(v̂, v/(1 − β_2^t))"),
            new("θ ← θ − η·(m/(1 − β_1^t))/(√(v̂ + ε_{root}) + ε)"),
        ],
        OneLine = "v̂ ← max(v̂, v/(1 − β_2^t)); θ ← θ − η·m̂/(√v̂ + ε)",
        Reference = new("Reddi, Kale and Kumar", "On the Convergence of Adam and Beyond", 2018, "1904.09237", "optax.amsgrad"),
        Conventions =
        [
            new(ConventionTopic.BiasCorrection,
                "Optax keeps the maximum of the bias-corrected v̂; PyTorch's Adam(amsgrad=True) keeps the maximum of the raw v and divides its root by √(1 − β₂ᵗ) afterwards, which lets the early, heavily corrected values dominate less; Keras' Adam(amsgrad=True) also takes the raw maximum. The paper has no bias correction at all.",
                ConventionSides.OptaxAmsGrad.Against(ConventionSides.AdamAmsGrad)),
        ],
    };
}
