namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Prodigy{T}"/>.</summary>
internal static class ProdigyDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("d_{lr} = d_t·η·√(1 − β_2^t)/(1 − β_1^t)"),
            new("m ← β_1m + (1 − β_1)d_tg;  v ← β_2v + (1 − β_2)(d_tg)^2;  s ← β_3s + d_{lr}·d_tg/d_0"),
            new("r ← β_3r + (d_t/d_0)·d_{lr}·⟨g, θ_0 − θ⟩", "sums over the whole group"),
            new("d_{t+1} = max(d_t, coef·r/‖s‖_1)"),
            new("θ ← θ − d_{lr}·m/(√v + d_{t+1}ε) − λ·d_{lr}·θ"),
        ],
        OneLine = "AdamW with rate d_t estimated from ⟨g, θ_0 − θ⟩: θ ← θ − d_{lr}·m/(√v + d_{t+1}ε)",
        Reference = new("Mishchenko and Defazio", "Prodigy: An Expeditiously Adaptive Parameter-Free Learner", 2023, "2306.06101", "optax.contrib.prodigy"),
        Conventions =
        [
            new(ConventionTopic.Epsilon, "Optax always folds the bias corrections into d_lr (the book's Adam form, ε on the raw √v); the authors' prodigyopt (PyTorch) leaves them off by default (use_bias_correction=False). Both scale ε by the estimate d. Keras has none; the catalog holds only Optax's, so there is no side-by-side run."),
        ],
    };
}
