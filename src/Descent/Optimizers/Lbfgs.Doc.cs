namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="Lbfgs{T}"/>.</summary>
internal static class LbfgsDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("s_k = θ_{k+1} − θ_k;  y_k = g_{k+1} − g_k", "kept for the last history_size pairs with yₖ·sₖ > 1e-10"),
            new("H_0 = (s·y)/(y·y) for the newest pair"),
            new("d = −H g by the two-loop recursion over the stored pairs"),
            new("α = min(1, 1/‖g‖_1)·η at the first iteration, η after", "no line search"),
            new("α from the strong-Wolfe line search", "line_search_fn=\"strong_wolfe\""),
            new("θ ← θ + αd", "up to max_iter iterations per Step(closure)"),
        ],
        OneLine = "θ ← θ − α·H g, H from the last m pairs (s, y) by the two-loop recursion",
        Reference = new("Liu and Nocedal", "On the Limited Memory BFGS Method for Large Scale Optimization (Math. Programming)", 1989, null, "torch.optim.LBFGS (PyTorch 2.11), line search from Torch7's lswolfe.lua"),
        Conventions =
        [
            new(ConventionTopic.Formula, "PyTorch runs up to max_iter iterations inside one Step(closure), re-evaluating the loss through the closure, and stops on tolerance_grad/tolerance_change; optax.lbfgs takes one iteration per update with a zoom line search by default. Keras has no L-BFGS. It needs a closure, so the gradient-only example cannot run it."),
        ],
    };
}
