namespace Descent.Optimizers;

/// <summary>
/// Options with a momentum coefficient that a schedule may cycle, as PyTorch's OneCycleLR and
/// CyclicLR do: SGD's and RMSprop's <c>momentum</c>, the Adam family's <c>beta1</c>.
/// </summary>
public interface IMomentumOptions
{
    /// <summary>The current momentum coefficient (beta1 for the Adam family).</summary>
    double MomentumCoefficient { get; }

    /// <summary>A copy with another momentum coefficient.</summary>
    /// <param name="momentum">The new coefficient.</param>
    OptimizerOptions WithMomentumCoefficient(double momentum);

    /// <summary>
    /// Changes the coefficient of a record that one parameter group owns (see
    /// <see cref="ParameterGroup{T, TOptions}.MomentumCoefficient"/>), so that a cycling schedule does not allocate a
    /// record per step.
    /// </summary>
    /// <param name="momentum">The new coefficient.</param>
    internal void SetOwnedMomentumCoefficient(double momentum);
}
