namespace Descent.Optimizers;

/// <summary>
/// Hyperparameters shared by every optimizer. Each optimizer derives an immutable record from this,
/// so per-group settings read as <c>defaults with { LearningRate = 0.01 }</c>.
/// </summary>
public abstract record OptimizerOptions
{
    private double _learningRate = 1e-3;

    /// <summary>The step size (PyTorch's <c>lr</c>). Must be ≥ 0.</summary>
    public double LearningRate { get => _learningRate; init => _learningRate = value; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public virtual void Validate() => Guard.NonNegative(LearningRate, nameof(LearningRate));

    /// <summary>A copy with another learning rate, of the same concrete type (schedules use it).</summary>
    /// <param name="learningRate">The new learning rate.</param>
    public OptimizerOptions WithLearningRate(double learningRate) => this with { LearningRate = learningRate };

    /// <summary>A copy that later schedule steps cannot change (what saved state keeps).</summary>
    internal OptimizerOptions Snapshot() => this with { };

    /// <summary>
    /// Changes the rate of a record that one parameter group owns (its private copy, see
    /// <see cref="ParameterGroup{T, TOptions}.LearningRate"/>), so that a schedule does not allocate a record per step.
    /// </summary>
    internal void SetOwnedLearningRate(double learningRate) => _learningRate = learningRate;
}
