namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about <see cref="AdaBelief{T}"/>.</summary>
internal static class AdaBeliefDoc
{
    internal static OptimizerDoc Doc { get; } = new()
    {
        Update =
        [
            new("m ← (1 − β_1)g + β_1m"),
            new("s ← (1 − β_2)(g − m)^2 + β_2s + ε_{root}"),
            new("θ ← θ − η·(m/(1 − β_1^t))/(√(s/(1 − β_2^t)) + ε)"),
        ],
        OneLine = "s ← β_2s + (1 − β_2)(g − m)^2; θ ← θ − η·m̂/(√ŝ + ε)",
        Reference = new("Zhuang, Tang, Ding, Tatikonda, Dvornek, Papademetris and Duncan", "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed Gradients", 2020, "2010.07468", "optax.adabelief"),
        Conventions =
        [
            new(ConventionTopic.Epsilon, "Optax (and the paper) add ε_root = 1e-16 to the stored s every step, so it accumulates, and ε = 1e-16 outside the root; the authors' adabelief-pytorch package adds ε to s and defaults to ε = 1e-16 with decoupled decay and rectification on. PyTorch and Keras have no AdaBelief; the catalog holds only Optax's, so there is no side-by-side run."),
        ],
    };
}
