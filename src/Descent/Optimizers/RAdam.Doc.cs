namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="RAdam{T}"/>.</summary>
internal static class RAdamDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("ρ_∞ = 2/(1 − β_2) − 1,  ρ_t = ρ_∞ − 2tβ_2^t/(1 − β_2^t)"),
            UpdateLines.DecoupledWeightDecay,
            UpdateLines.CoupledWeightDecay,
            new("m ← m + (1 − β_1)(g − m);  v ← β_2v + (1 − β_2)g^2"),
            new("r_t = √((ρ_t − 4)(ρ_t − 2)ρ_∞/((ρ_∞ − 4)(ρ_∞ − 2)ρ_t))", "ρₜ > 5"),
            new("θ ← θ − (m/(1 − β_1^t)·η)·(√(1 − β_2^t)/(√v + ε))·r_t", "ρₜ > 5"),
            new("θ ← θ − m/(1 − β_1^t)·η", "ρₜ ≤ 5 (SGD with momentum)"),
        ],
        OneLine = "Adam's moments; θ ← θ − η·m̂·r_t/(√v̂ + ε) once ρ_t > 5, else θ ← θ − η·m̂",
        Reference = new("Liu, Jiang, He, Chen, Liu, Gao and Han", "On the Variance of the Adaptive Learning Rate and Beyond", 2020, "1908.03265", "torch.optim.RAdam (PyTorch 2.11)"),
        Conventions =
        [
            new(ConventionTopic.Epsilon, "PyTorch adds ε to the raw √v and multiplies by √(1 − β₂ᵗ) (ε outside the correction); optax.radam adds ε to the corrected √v̂ and switches at ρₜ ≥ 5 (threshold option), Keras has no RAdam. The catalog holds only PyTorch's, so there is no side-by-side run."),
        ],
    };
}
