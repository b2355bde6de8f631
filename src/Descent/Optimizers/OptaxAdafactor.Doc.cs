namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="OptaxAdafactor{T}"/>.</summary>
internal static class OptaxAdafactorDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("ρ = 1 − (t − offset + 1)^{−0.8}", "in float32, as Optax"),
            new("r ← ρr + (1 − ρ)·mean_{cols}(g^2 + ε);  c ← ρc + (1 − ρ)·mean_{rows}(g^2 + ε);  u = g·(r/mean(r))^{−½}·c^{−½}", "matrices whose second-largest dim ≥ 128"),
            new("v ← ρv + (1 − ρ)(g^2 + ε);  u = g·v^{−½}", "otherwise"),
            new("u ← u/max(1, RMS(u)/d)"),
            new("u ← η·u·max(RMS(θ), 10^{−3})", "multiply_by_parameter_scale"),
            new("m ← (1 − μ)u + μm;  u ← m", "momentum μ"),
            new("u ← u + λθ", "weight_decay_rate λ"),
            new("θ ← θ − u"),
        ],
        OneLine = "u = g/√V̂ (factored), clipped to RMS ≤ d; θ ← θ − η·max(RMS(θ), 10^{−3})·u",
        Reference = AdafactorDoc.Reference with { Implementation = "optax.adafactor" },
        Conventions =
        [
            new(ConventionTopic.Formula,
                "Optax adds ε = 1e-30 to g² before averaging, decays with ρ = 1 − (t + 1)^(−0.8), scales by η·max(RMS(θ), 1e-3) and factors only matrices with a dimension ≥ 128; PyTorch's Adafactor applies ε to V, caps the relative step by η and factors every matrix. Keras follows the paper's relative step.",
                ConventionSides.OptaxAdafactor.Against(ConventionSides.Adafactor)),
        ],
    };
}
