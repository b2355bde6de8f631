namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="NovoGrad{T}"/>.</summary>
internal static class NovoGradDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("v ← ‖g‖^2", "first step; one value per tensor"),
            new("v ← (1 − β_2)‖g‖^2 + β_2v", "later steps"),
            new("m ← β_1m + (g/(√(v + ε_{root}) + ε) + λθ)"),
            new("θ ← θ − η·m"),
        ],
        OneLine = "v ← β_2v + (1 − β_2)‖g‖^2 per tensor; m ← β_1m + g/√v + λθ; θ ← θ − ηm",
        Reference = new("Ginsburg, Castonguay, Hrinchuk, Kuchaiev, Lavrukhin, Leary, Li, Nguyen, Zhang and Cohen", "Stochastic Gradient Methods with Layer-wise Adaptive Moments for Training of Deep Networks", 2019, "1905.11286", "optax.novograd"),
        Conventions =
        [
            new(ConventionTopic.MomentumForm, "Optax, like the paper, accumulates m ← β₁m + (normalised g + λθ) without the (1 − β₁) factor; NVIDIA's PyTorch implementations (apex FusedNovoGrad) offer grad_averaging to multiply by 1 − β₁. Keras has none; the catalog holds only Optax's, so there is no side-by-side run."),
        ],
    };
}
