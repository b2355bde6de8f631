namespace Descent.Optimizers;

/// <summary>
/// Options with a weight-decay coefficient, so a <see cref="Pipeline.WeightDecayMask"/> can give the
/// parameters it excludes (biases, normalisation scales and shifts) a group with the decay zeroed.
/// </summary>
public interface IWeightDecayOptions
{
    /// <summary>The weight-decay coefficient λ (coupled or decoupled, as the optimizer defines it).</summary>
    double WeightDecay { get; }

    /// <summary>A copy, of the same concrete type, with another weight-decay coefficient.</summary>
    /// <param name="weightDecay">The new coefficient.</param>
    /// <returns>The copy.</returns>
    OptimizerOptions WithWeightDecay(double weightDecay);
}
