namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Adadelta{T}"/>.</summary>
internal static class AdadeltaDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            UpdateLines.Maximize,
            UpdateLines.WeightDecay,
            new("s ← ρs + (1 − ρ)g^2"),
            new("Δ = √(a + ε)/√(s + ε)·g"),
            new("a ← ρa + (1 − ρ)Δ^2"),
            new("θ ← θ − ηΔ"),
        ],
        OneLine = "Δ = √(a + ε)/√(s + ε)·g; θ ← θ − ηΔ",
        Reference = new("Zeiler", "ADADELTA: An Adaptive Learning Rate Method", 2012, "1212.5701", "torch.optim.Adadelta (PyTorch 2.11)"),
        Conventions =
        [
            new(ConventionTopic.Defaults, "The paper has no learning rate (η = 1, PyTorch's default); Keras defaults to η = 0.001 and ε = 1e-7 (PyTorch 1e-6), Optax to ε = 1e-6 with the same form (ε inside both roots). The catalog holds only PyTorch's, so there is no side-by-side run."),
        ],
    };
}
