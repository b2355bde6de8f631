namespace Descent.Optimizers;

/// <summary>
/// The tiny problem a <see cref="ConventionExample"/> runs on: f(θ) = ½ Σ aᵢθᵢ² with a = (1, 10⁻³, 10⁻⁶) from
/// θ = (1, 1, 1), in double. The three curvatures give gradients of three sizes, so that ε placement (which matters
/// only where √v is near ε) shows on the last coordinate while the first shows the rest.
/// </summary>
public static class ConventionProblem
{
    /// <summary>The curvatures a.</summary>
    public static IReadOnlyList<double> Curvatures { get; } = [1.0, 1e-3, 1e-6];

    /// <summary>The start θ.</summary>
    public static IReadOnlyList<double> Start { get; } = [1.0, 1.0, 1.0];

    /// <summary>Runs both sides of <paramref name="example"/> with the real optimizers.</summary>
    /// <param name="example">The two configurations and the rate at each step.</param>
    /// <returns>θ after each step, for the left and the right side.</returns>
    public static (double[][] Left, double[][] Right) Run(ConventionExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        return (Run(example.LeftOptions, example.LearningRates), Run(example.RightOptions, example.LearningRates));
    }

    /// <summary>θ after each step of one optimizer, the rate set before each step as a schedule would.</summary>
    /// <param name="options">The optimizer's options; its record must be its own factory.</param>
    /// <param name="learningRates">The rate at each step.</param>
    /// <returns>One copy of θ per step.</returns>
    public static double[][] Run(OptimizerOptions options, IReadOnlyList<double> learningRates)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(learningRates);
        if (options is not IOptimizerFactory factory)
        {
            throw new ArgumentException($"{options.GetType().Name} needs a closure; a convention example runs optimizers that step from gradients.", nameof(options));
        }

        var theta = new Parameter<double>("θ", [.. Start]);
        var optimizer = factory.Create([theta]);
        var steps = new double[learningRates.Count][];
        for (int step = 0; step < steps.Length; step++)
        {
            optimizer.ParameterGroups[0].LearningRate = learningRates[step];
            Span<double> value = theta.Value.Span, gradient = theta.Gradient.Span;
            for (int i = 0; i < value.Length; i++)
            {
                gradient[i] = Curvatures[i] * value[i];
            }

            optimizer.Step();
            steps[step] = theta.Value.ToArray();
        }

        return steps;
    }
}
