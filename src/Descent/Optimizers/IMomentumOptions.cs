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
}
