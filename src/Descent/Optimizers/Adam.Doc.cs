using Descent.Optimizers.Book;

namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Adam{T}"/> and <see cref="AdamW{T}"/>.</summary>
internal static class AdamDoc
{
    private static readonly UpdateLine[] Update =
    [
        new("θ ← θ(1 − ηλ)", "decoupled weight decay (AdamW)"),
        new("g ← −g", "maximize"),
        new("g ← g + λθ", "coupled weight decay λ ≠ 0 (Adam)"),
        new("m ← m + (1 − β_1)(g − m)"),
        new("v ← β_2v + (1 − β_2)g^2"),
        new("v_{max} ← max(v_{max}, v), and v_{max} replaces v below", "amsgrad"),
        new("θ ← θ − η/(1 − β_1^t) · m/(√v/√(1 − β_2^t) + ε)"),
    ];

    private static readonly OptimizerReference AdamReference = new(
        "Kingma and Ba", "Adam: A Method for Stochastic Optimization", 2015, "1412.6980", "torch.optim.Adam (PyTorch 2.11)");

    private static readonly ConventionNote EpsilonNote = new(ConventionTopic.Epsilon,
        "PyTorch and Optax add ε to the bias-corrected root √v̂; the book and Keras fold the corrections into the rate, ηₜ = η√(1 − β₂ᵗ)/(1 − β₁ᵗ), and add ε̂ to the raw √v, which is ε√(1 − β₂ᵗ) in PyTorch's terms: a much larger ε while v is small (the third coordinate here, g = 10⁻⁶).",
        new("Adam(lr=0.1)", new AdamOptions { LearningRate = 0.1 }, "BookAdam(lr=0.1, eps=1e-8)", new BookAdamOptions { LearningRate = 0.1, Epsilon = 1e-8 }, [0.1, 0.1, 0.1]));

    private static readonly ConventionNote AmsGradNote = new(ConventionTopic.Formula,
        "amsgrad: PyTorch keeps the maximum of the raw v and corrects it afterwards; Optax's amsgrad keeps the maximum of the corrected v̂.",
        new("Adam(lr=0.1, amsgrad=True)", new AdamOptions { LearningRate = 0.1, AmsGrad = true }, "optax.amsgrad(0.1)", new OptaxAmsGradOptions { LearningRate = 0.1 }, [0.1, 0.1, 0.1]));

    internal static OptimizerDoc Adam { get; } = new()
    {
        Update = Update,
        OneLine = "m ← β_1m + (1 − β_1)g; v ← β_2v + (1 − β_2)g^2; θ ← θ − η·m̂/(√v̂ + ε)",
        Reference = AdamReference,
        Conventions =
        [
            EpsilonNote,
            new(ConventionTopic.WeightDecay,
                "Adam's weight_decay adds λθ to the gradient (L2, coupled), so the adaptive denominator shrinks it; AdamW, optax.adamw and Keras decay θ ← θ(1 − ηλ) directly (decoupled).",
                new("Adam(lr=0.1, weight_decay=0.1)", new AdamOptions { LearningRate = 0.1, WeightDecay = 0.1 }, "AdamW(lr=0.1, weight_decay=0.1)", new AdamWOptions { LearningRate = 0.1, WeightDecay = 0.1 }, [0.1, 0.1, 0.1])),
            AmsGradNote,
        ],
    };

    internal static OptimizerDoc AdamW { get; } = new()
    {
        Update = Update,
        OneLine = "θ ← θ(1 − ηλ); then Adam: θ ← θ − η·m̂/(√v̂ + ε)",
        Reference = AdamReference with
        {
            Authors = "Loshchilov and Hutter",
            Title = "Decoupled Weight Decay Regularization",
            Year = 2019,
            ArXiv = "1711.05101",
            Implementation = "torch.optim.AdamW (PyTorch 2.11)",
        },
        Conventions =
        [
            new(ConventionTopic.WeightDecay,
                "PyTorch's AdamW and Keras decay by ηλ per step (η the current rate); optax.adamw adds λθ to the Adam direction before scaling by η, the same product. The paper scales the decay by the schedule multiplier only, not by η. Coupled L2 (Adam's weight_decay) differs:",
                new("AdamW(lr=0.1, weight_decay=0.1)", new AdamWOptions { LearningRate = 0.1, WeightDecay = 0.1 }, "Adam(lr=0.1, weight_decay=0.1)", new AdamOptions { LearningRate = 0.1, WeightDecay = 0.1 }, [0.1, 0.1, 0.1])),
            EpsilonNote,
            new(ConventionTopic.Defaults, "Default λ: PyTorch 0.01, Keras 0.004, Optax 1e-4."),
        ],
    };
}
