#region README groups
using Descent;
using Descent.Optimizers;

#endregion
namespace Samples;

/// <summary>The README's parameter-group example: per-group options, a settable learning rate, state round trip.</summary>
public static class GroupsAndState
{
    /// <summary>Runs the example; returns both optimizers' weights after one more identical step.</summary>
    public static (float[] Original, float[] Resumed) Run()
    {
        #region README groups
        Parameter<float>[] weights = [new("w", new float[6], 2, 3)], biases = [new("b", new float[3], 3)];
        var adam = new Adam<float>(weights, new AdamOptions { LearningRate = 1e-3, WeightDecay = 1e-4, DecoupledWeightDecay = true });
        adam.AddGroup(biases, adam.Defaults with { WeightDecay = 0 });     // per-group options
        adam.Groups[0].LearningRate = 5e-4;                                // schedules set this before each step
        weights[0].Gradient.Span.Fill(1f);
        adam.Step();

        OptimizerState<float> saved = adam.SaveState();                    // keyed by parameter name, with each group's options
        var fresh = new Adam<float>(weights, adam.Defaults);
        fresh.AddGroup(biases, adam.Defaults with { WeightDecay = 0 });
        fresh.LoadState(saved);                                            // bit-identical continuation (tested for every optimizer)
        #endregion
        float[] before = weights[0].Value.ToArray();
        adam.Step();
        float[] original = weights[0].Value.ToArray();
        before.CopyTo(weights[0].Value);
        fresh.Step();
        return (original, weights[0].Value.ToArray());
    }
}
