namespace Descent.Cli.Tuning;

/// <summary>What <c>descent tune</c> found, as saved in <c>run.json</c> beside the final comparison.</summary>
internal sealed class TuneRecord
{
    public string Study { get; set; } = string.Empty;

    public string Plan { get; set; } = string.Empty;

    public string Budget { get; set; } = string.Empty;

    public string Data { get; set; } = string.Empty;

    public List<TunedOptimizerRecord> Optimizers { get; set; } = [];
}

/// <summary>One optimizer's search: its space, the default and the tuned configuration, and the budget curve.</summary>
internal sealed class TunedOptimizerRecord
{
    public string Optimizer { get; set; } = string.Empty;

    public string Space { get; set; } = string.Empty;

    public string Default { get; set; } = string.Empty;

    /// <summary>The best configuration of the last rung; null when every one diverged.</summary>
    public string? Tuned { get; set; }

    public double? ValidationLoss { get; set; }

    public double? ValidationAccuracy { get; set; }

    public int Trials { get; set; }

    public long Iterations { get; set; }

    /// <summary>Iterations spent after each trial, in the plan's order (rung, then configuration).</summary>
    public double[] BudgetSpent { get; set; } = [];

    /// <summary>The best validation loss so far after each trial (∞ until one converges).</summary>
    public double[] BudgetBest { get; set; } = [];
}
