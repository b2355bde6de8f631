namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Rprop{T}"/>.</summary>
internal static class RpropDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            UpdateLines.Maximize,
            new("s ← clamp(s·f, s_{min}, s_{max}),  f = η^+ if g·g_− > 0, η^− if g·g_− < 0, else 1", "s starts at η"),
            new("g ← 0", "where g·g₋ < 0"),
            new("θ ← θ − sign(g)·s"),
            new("g_− ← g"),
        ],
        OneLine = "s ← clamp(s·η^±); θ ← θ − sign(g)·s",
        Reference = new("Riedmiller and Braun", "A Direct Adaptive Method for Faster Backpropagation Learning: The RPROP Algorithm", 1993, null, "torch.optim.Rprop (PyTorch 2.11)"),
        Conventions =
        [
            new(ConventionTopic.Formula, "PyTorch implements Rprop⁻ (no weight backtracking after a sign flip; the step is skipped); the paper's original Rprop⁺ reverts the previous step. Keras has no Rprop. The catalog holds only PyTorch's, so there is no side-by-side run."),
        ],
    };
}
