namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Muon{T}"/>.</summary>
internal static class MuonDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("B ← B + (1 − μ)(g − B)"),
            new("U = g + μ(B − g)", "nesterov"),
            new("U = B", "without nesterov"),
            new("O = NS_k(U/max(‖U‖_F, ε))", "Newton–Schulz, k = 5 steps in bfloat16 arithmetic"),
            new("θ ← θ(1 − ηλ)"),
            new("θ ← θ − η′O,  η′ = η√max(1, rows/cols)", "adjust_lr_fn=\"match_rms_adamw\": η′ = 0.2·η·√max(rows, cols)"),
        ],
        OneLine = "B ← lerp(B, g, 1 − μ); θ ← θ − η′·NS_5(g + μ(B − g))",
        Reference = new("Jordan, Jin, Boza, You, Cesista, Newhouse and Bernstein", "Muon: An optimizer for hidden layers in neural networks (blog post)", 2024, null, "torch.optim.Muon (PyTorch 2.11)"),
        Conventions =
        [
            new(ConventionTopic.Formula, "PyTorch, like Keller Jordan's reference, keeps the momentum as a lerp (B ← B + (1 − μ)(g − B)) and scales by √max(1, rows/cols); optax.contrib.muon uses a plain trace B ← μB + g and its own scaling. Muon takes matrices only, so the three-coordinate example cannot run it."),
            new(ConventionTopic.WeightDecay, "Decoupled: θ ← θ(1 − ηλ) before the orthogonalised step, as AdamW."),
        ],
    };
}
