namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Lars{T}"/>.</summary>
internal static class LarsDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("u = g + λθ"),
            new("r = coef·‖θ‖/(‖u‖ + ε)", "per tensor; 1 when either norm is 0"),
            new("t ← −η·r·u + μt"),
            new("θ ← θ + t", "without nesterov"),
            new("θ ← θ + (−η·r·u + μt)", "nesterov"),
        ],
        OneLine = "r = coef·‖θ‖/‖g + λθ‖; t ← μt − ηr(g + λθ); θ ← θ + t",
        Reference = new("You, Gitman and Ginsburg", "Large Batch Training of Convolutional Networks", 2017, "1708.03888", "optax.lars"),
        Conventions =
        [
            new(ConventionTopic.MomentumForm, "Optax puts η inside the trace (t ← μt − ηru, the book's and Keras' momentum form), so a schedule changes the momentum's history gently; PyTorch-style LARS ports (e.g. torchlars) keep PyTorch's b ← μb + ru and multiply by η outside. PyTorch and Keras have no LARS in their core; the catalog holds only Optax's, so there is no side-by-side run."),
        ],
    };
}
