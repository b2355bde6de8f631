namespace Descent.Optimizers;

/// <summary>
/// Options with a momentum coefficient μ named <c>momentum</c> (SGD, RMSprop, LARS, MADGRAD, Muon, SM3, the book's
/// Momentum), which a cycling schedule may change. What μ multiplies, its default and its valid range are each
/// optimizer's: its options' constructor states them. The Adam family's counterpart is β₁ (<see cref="MomentOptions"/>).
/// </summary>
public abstract record MomentumOptions : OptimizerOptions, IMomentumOptions
{
    private double _momentum;

    /// <summary>The momentum coefficient μ (<c>momentum</c>); see the derived options for its role and range.</summary>
    public double Momentum { get => _momentum; init => _momentum = value; }

    /// <inheritdoc/>
    public double MomentumCoefficient => Momentum;

    /// <inheritdoc/>
    public OptimizerOptions WithMomentumCoefficient(double momentum) => this with { Momentum = momentum };

    /// <inheritdoc/>
    void IMomentumOptions.SetOwnedMomentumCoefficient(double momentum) => _momentum = momentum;
}
