namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Adamax{T}"/>.</summary>
internal static class AdamaxDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            UpdateLines.Maximize,
            UpdateLines.WeightDecay,
            new("m ← m + (1 − β_1)(g − m)"),
            new("u ← max(β_2u, |g| + ε)"),
            new("θ ← θ − η/(1 − β_1^t)·m/u"),
        ],
        OneLine = "u ← max(β_2u, |g| + ε); θ ← θ − η/(1 − β_1^t)·m/u",
        Reference = AdamDoc.Reference with { Title = AdamDoc.Reference.Title + ", §7.1", Implementation = "torch.optim.Adamax (PyTorch 2.11)" },
        Conventions =
        [
            new(ConventionTopic.Epsilon, "PyTorch and optax.adamax add ε to |g| inside the maximum; Keras adds it to u in the denominator (m̂/(u + ε)). The catalog holds only PyTorch's, so there is no side-by-side run."),
        ],
    };
}
