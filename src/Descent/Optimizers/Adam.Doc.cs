namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Adam{T}"/> and <see cref="AdamW{T}"/>.</summary>
internal static class AdamDoc
{
    private static readonly UpdateLine[] Update =
    [
        UpdateLines.DecoupledWeightDecay with { When = "decoupled weight decay (AdamW)" },
        UpdateLines.Maximize,
        UpdateLines.CoupledWeightDecay with { When = "coupled weight decay λ ≠ 0 (Adam)" },
        new("m ← m + (1 − β_1)(g − m)"),
        new("v ← β_2v + (1 − β_2)g^2"),
        new("v_{max} ← max(v_{max}, v), and v_{max} replaces v below", "amsgrad"),
        new("θ ← θ − η/(1 − β_1^t) · m/(√v/√(1 − β_2^t) + ε)"),
    ];

    /// <summary>The paper, also cited by the book's Adam and by Adamax (its §7.1).</summary>
    internal static OptimizerReference Reference { get; } = new(
        "Kingma and Ba", "Adam: A Method for Stochastic Optimization", 2015, "1412.6980", "torch.optim.Adam (PyTorch 2.11)");

    private static readonly ConventionNote EpsilonNote = new(ConventionTopic.Epsilon,
        "PyTorch and Optax add ε to the bias-corrected root √v̂; the book and Keras fold the corrections into the rate, ηₜ = η√(1 − β₂ᵗ)/(1 − β₁ᵗ), and add ε̂ to the raw √v, which is ε√(1 − β₂ᵗ) in PyTorch's terms: a much larger ε while v is small (the third coordinate here, g = 10⁻⁶).",
        ConventionSides.Adam.Against(ConventionSides.BookAdam));

    private static readonly ConventionNote AmsGradNote = new(ConventionTopic.Formula,
        "amsgrad: PyTorch keeps the maximum of the raw v and corrects it afterwards; Optax's amsgrad keeps the maximum of the corrected v̂.",
        ConventionSides.AdamAmsGrad.Against(ConventionSides.OptaxAmsGrad));

    internal static OptimizerDoc Adam { get; } = new()
    {
        Update = Update,
        OneLine = "m ← β_1m + (1 − β_1)g; v ← β_2v + (1 − β_2)g^2; θ ← θ − η·m̂/(√v̂ + ε)",
        Reference = Reference,
        Conventions =
        [
            EpsilonNote,
            new(ConventionTopic.WeightDecay,
                "Adam's weight_decay adds λθ to the gradient (L2, coupled), so the adaptive denominator shrinks it; AdamW, optax.adamw and Keras decay θ ← θ(1 − ηλ) directly (decoupled).",
                ConventionSides.AdamWeightDecay.Against(ConventionSides.AdamW)),
            AmsGradNote,
        ],
    };

    internal static OptimizerDoc AdamW { get; } = new()
    {
        Update = Update,
        OneLine = "θ ← θ(1 − ηλ); then Adam: θ ← θ − η·m̂/(√v̂ + ε)",
        Reference = new("Loshchilov and Hutter", "Decoupled Weight Decay Regularization", 2019, "1711.05101", "torch.optim.AdamW (PyTorch 2.11)"),
        Conventions =
        [
            new(ConventionTopic.WeightDecay,
                "PyTorch's AdamW and Keras decay by ηλ per step (η the current rate); optax.adamw adds λθ to the Adam direction before scaling by η, the same product. The paper scales the decay by the schedule multiplier only, not by η. Coupled L2 (Adam's weight_decay) differs:",
                ConventionSides.AdamW.Against(ConventionSides.AdamWeightDecay)),
            EpsilonNote,
            new(ConventionTopic.Defaults, "Default λ: PyTorch 0.01, Keras 0.004, Optax 1e-4."),
        ],
    };
}
