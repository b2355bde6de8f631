namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="NAdam{T}"/>.</summary>
internal static class NAdamDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("μ_t = β_1(1 − ½·0.96^{tψ}),  Π_t = μ_1⋯μ_t", "ψ: momentum_decay"),
            UpdateLines.DecoupledWeightDecay,
            UpdateLines.CoupledWeightDecay,
            new("m ← m + (1 − β_1)(g − m);  v ← β_2v + (1 − β_2)g^2"),
            new("d = √(v/(1 − β_2^t)) + ε"),
            new("θ ← θ − η(1 − μ_t)/(1 − Π_t)·g/d"),
            new("θ ← θ − ημ_{t+1}/(1 − Π_tμ_{t+1})·m/d"),
        ],
        OneLine = "Adam's moments; θ ← θ − η(1 − μ_t)/(1 − Π_t)·g/d − ημ_{t+1}/(1 − Π_{t+1})·m/d",
        Reference = new("Dozat", "Incorporating Nesterov Momentum into Adam (ICLR workshop)", 2016, null, "torch.optim.NAdam (PyTorch 2.11)"),
        Conventions =
        [
            new(ConventionTopic.Formula, "PyTorch keeps Dozat's momentum schedule μₜ = β₁(1 − ½·0.96^(tψ)) and its product Πₜ; optax.nadam and Keras' Nadam use a constant β₁ in the look-ahead (Keras also with the schedule, but ε̂ added to the raw root as its Adam). The catalog holds only PyTorch's, so there is no side-by-side run."),
            new(ConventionTopic.WeightDecay, "weight_decay is L2 in the gradient unless decoupled_weight_decay=True (then θ ← θ(1 − ηλ), as AdamW)."),
        ],
    };
}
