namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Adafactor{T}"/>.</summary>
internal static class AdafactorDoc
{
    /// <summary>The paper, also cited by <see cref="OptaxAdafactorDoc"/>.</summary>
    internal static OptimizerReference Reference { get; } = new(
        "Shazeer and Stern", "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost", 2018, "1804.04235", "torch.optim.Adafactor (PyTorch 2.11)");

    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("G ← −G", "maximize"),
            new("β̂ = 1 − t^τ;  ρ = min(η, 1/√t);  α = max(ε_2, RMS(θ))·ρ", "τ: beta2_decay"),
            UpdateLines.DecoupledWeightDecay with { When = "weight_decay λ ≠ 0" },
            new("R ← lerp(R, mean_c G^2, 1 − β̂);  C ← lerp(C, mean_r G^2, 1 − β̂);  V = RC^T/max(mean_r R, ε_1)", "rank ≥ 2"),
            new("V ← lerp(V, G^2, 1 − β̂)", "vectors"),
            new("U = G/√max(V, ε_1^2)"),
            new("θ ← θ − αU/max(1, RMS(U)/d)", "d: clipping threshold"),
        ],
        OneLine = "V ≈ RC^T factored; U = G/√V; θ ← θ − max(ε_2, RMS(θ))·min(η, 1/√t)·U/max(1, RMS(U)/d)",
        Reference = Reference,
        Conventions =
        [
            new(ConventionTopic.Formula,
                "PyTorch caps the relative step by η (ρ = min(η, 1/√t)), scales the decay by η, applies ε₁ to V rather than to G² and uses means; optax.adafactor adds ε to G², decays with ρ = 1 − (t + 1)^(−0.8), multiplies by η·max(RMS(θ), 1e-3) and factors only matrices of size ≥ 128. Keras' Adafactor follows the paper's relative step.",
                ConventionSides.Adafactor.Against(ConventionSides.OptaxAdafactor)),
        ],
    };
}
