namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="AdEMAMix{T}"/>.</summary>
internal static class AdEMAMixDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("m_1 ← (1 − β_1)g + β_1m_1;  m_2 ← (1 − β_3)g + β_3m_2;  v ← (1 − β_2)g^2 + β_2v"),
            new("θ ← θ − η·((m_1/(1 − β_1^t) + α·m_2)/(√(v/(1 − β_2^t) + ε_{root}) + ε) + λθ)"),
        ],
        OneLine = "θ ← θ − η((m̂_1 + α·m_2)/(√v̂ + ε) + λθ), m_2 a slow uncorrected average",
        Reference = new("Pagliardini, Ablin and Grangier", "The AdEMAMix Optimizer: Better, Faster, Older", 2024, "2409.03137", "optax.contrib.ademamix"),
        Conventions =
        [
            new(ConventionTopic.Formula, "The paper and its PyTorch code warm α and β₃ up over T steps; Optax's ademamix takes them as constants (schedules can be passed), as here. Decay is added to the direction before η (decoupled, Optax's add_decayed_weights). PyTorch and Keras have none in their core; the catalog holds only Optax's, so there is no side-by-side run."),
        ],
    };
}
