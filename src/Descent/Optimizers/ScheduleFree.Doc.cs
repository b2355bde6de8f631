namespace Descent.Optimizers;

/// <summary>What <c>explain</c> and the reports say about the Schedule-Free optimizers (<see cref="ScheduleFree{T, TOptions}"/>).</summary>
internal static class ScheduleFreeDoc
{
    private static readonly UpdateLine[] Averaging =
    [
        new("z′ = z + u"),
        new("x = (y − (1 − β_1)z)/β_1"),
        new("x′ = (1 − c)x + c·z′,  c = w/Σw,  w = (max η so far)^p", "p: weight_lr_power"),
        new("y ← y + ((β_1x′ + (1 − β_1)z′) − y)", "θ holds y; evaluate the model at x"),
    ];

    private static readonly OptimizerReference Reference = new(
        "Defazio, Yang, Mehta, Mishchenko, Khaled and Cutkosky", "The Road Less Scheduled", 2024, "2405.15682", "optax.contrib.schedule_free");

    private static readonly ConventionNote Note = new(ConventionTopic.Formula,
        "Optax keeps y in the parameters and z in the state and recovers x from them; the authors' schedulefree package for PyTorch keeps z and x and needs optimizer.train()/eval() to swap y in and out; Keras has none. As in Optax, the base direction's rate follows a warm-up at count t − 1 while the averaging weight uses count t. The catalog holds only Optax's, so there is no side-by-side run.");

    internal static OptimizerDoc AdamW { get; } = new()
    {
        Update =
        [
            new("v ← (1 − β_2)g^2 + β_2v"),
            new("u = −η·(g/(√(v/(1 − β_2^t)) + ε) + λy)"),
            .. Averaging,
        ],
        OneLine = "u = −η(g/(√v̂ + ε) + λy); z ← z + u; y, x averaged (no schedule)",
        Reference = Reference with { Implementation = "optax.contrib.schedule_free_adamw" },
        Conventions = [Note],
    };

    internal static OptimizerDoc Sgd { get; } = new()
    {
        Update = [new("u = −η·(g + λy)"), .. Averaging],
        OneLine = "u = −η(g + λy); z ← z + u; y, x averaged (no schedule)",
        Reference = Reference with { Implementation = "optax.contrib.schedule_free_sgd" },
        Conventions = [Note],
    };
}
