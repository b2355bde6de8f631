namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Asgd{T}"/>.</summary>
internal static class AsgdDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            UpdateLines.Maximize,
            new("g ← g + λ_{wd}θ", "weight_decay ≠ 0"),
            new("θ ← θ(1 − λη_t) − η_tg"),
            new("ā ← θ if μ_t = 1, else ā ← ā + μ_t(θ − ā)"),
            new("η_{t+1} = η/(1 + ληt)^α;  μ_{t+1} = 1/max(1, t − t_0)"),
        ],
        OneLine = "θ ← θ(1 − λη_t) − η_tg; ā ← ā + μ_t(θ − ā)",
        Reference = new("Polyak and Juditsky", "Acceleration of Stochastic Approximation by Averaging (SIAM J. Control Optim.)", 1992, null, "torch.optim.ASGD (PyTorch 2.11)"),
        Conventions =
        [
            new(ConventionTopic.Formula, "The parameters follow SGD with a decaying rate and the average ā is kept in the state (PyTorch's ax), not swapped in: evaluate with ā yourself. Keras and Optax have no ASGD, so there is no side-by-side run."),
        ],
    };
}
