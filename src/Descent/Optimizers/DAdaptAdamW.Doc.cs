namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="DAdaptAdamW{T}"/>.</summary>
internal static class DAdaptAdamWDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("d_{lr} = d_t·η·√(1 − β_2^t)/(1 − β_1^t);  b = √β_2"),
            new("r ← b·r + (1 − b)·d_{lr}·⟨g, s/(√v + ε)⟩", "s, v before this step; sums over the group"),
            new("m ← β_1m + (1 − β_1)d_{lr}·g;  v ← β_2v + (1 − β_2)g^2;  s ← b·s + (1 − b)d_{lr}·g"),
            new("θ ← θ − λ·d_{lr}·θ − m/(√v + ε)"),
            new("d_{t+1} = max(d_t, r/((1 − b)‖s‖_1))"),
        ],
        OneLine = "AdamW with rate d_t estimated by D-Adaptation: θ ← θ − m/(√v + ε), d_{lr} inside m",
        Reference = new("Defazio and Mishchenko", "Learning-Rate-Free Learning by D-Adaptation", 2023, "2301.07733", "optax.contrib.dadapt_adamw"),
        Conventions =
        [
            new(ConventionTopic.BiasCorrection, "Optax folds the bias corrections into d_lr and puts the rate inside m, so ε is added to the uncorrected √v (the book's and Keras' Adam form, not PyTorch's). Keras has none; the catalog holds only Optax's, so there is no side-by-side run."),
        ],
    };
}
