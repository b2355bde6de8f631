namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters shared by every optimizer. Each optimizer derives an immutable record from this,
/// so per-group settings read as <c>defaults with { LearningRate = 0.01 }</c>.
/// </summary>
public abstract record OptimizerOptions
{
    /// <summary>The step size (PyTorch's <c>lr</c>). Must be ≥ 0.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public virtual void Validate() => Guard.NonNegative(LearningRate, nameof(LearningRate));

    /// <summary>A copy with another learning rate, of the same concrete type (schedules use it).</summary>
    /// <param name="learningRate">The new learning rate.</param>
    public OptimizerOptions WithLearningRate(double learningRate) => this with { LearningRate = learningRate };
}
