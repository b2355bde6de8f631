namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="AdaGrad{T}"/>.</summary>
internal static class AdaGradDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("η_t = η/(1 + (t − 1)d)", "lr_decay d"),
            UpdateLines.Maximize,
            UpdateLines.WeightDecay,
            new("s ← s + g^2", "s starts at initial_accumulator_value"),
            new("θ ← θ − η_t·g/(√s + ε)"),
        ],
        OneLine = "s ← s + g^2; θ ← θ − ηg/(√s + ε)",
        Reference = new("Duchi, Hazan and Singer", "Adaptive Subgradient Methods for Online Learning and Stochastic Optimization", 2011, null, "torch.optim.Adagrad (PyTorch 2.11)"),
        Conventions =
        [
            new(ConventionTopic.Epsilon,
                "PyTorch adds ε = 1e-10 outside the root, the book 1e-7 outside it; Keras adds 1e-7 inside the root and Optax's adagrad 1e-7 inside it too. Keras starts the accumulator at 0.1, Optax at 0.1, PyTorch and the book at 0. The effect of ε shows where gradients are tiny (the third coordinate, g = 10⁻⁶).",
                ConventionSides.AdaGrad.Against(ConventionSides.BookAdaGrad)),
        ],
    };
}
