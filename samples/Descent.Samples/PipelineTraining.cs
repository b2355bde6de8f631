#region README pipeline
using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Pipeline;
using Descent.Randomness;
using Descent.Schedules;

#endregion
namespace Samples;

/// <summary>The README's pipeline example: AdamW with accumulation, clipping, a decay mask, a schedule and an EMA.</summary>
public static class PipelineTraining
{
    /// <summary>Runs the example; returns the loss on a fixed set before training, after it, and with the averaged weights.</summary>
    public static (float Before, float After, float Averaged, string Stages) Run()
    {
        #region README pipeline
        var network = new Network<float>([new LinearSpec(20, 16), new ActivationSpec(Activation.Relu), new LinearSpec(16, 3)]);
        var pipeline = UpdatePipeline.For(network.Parameters)
            .SkipNonFinite(maxConsecutive: 5)          // drop NaN/∞ micro-batches; the 6th in a row throws
            .AccumulateGradients(4)                    // update every 4 micro-batches with their mean
            .ClipByGlobalNorm(1.0)                     // on the accumulated gradient
            .ExcludeFromWeightDecay()                  // biases and normalisation parameters get WeightDecay = 0
            .Optimizer((ps, o) => new AdamW<float>(ps, o), new AdamWOptions { LearningRate = 3e-3, WeightDecay = 0.1 })
            .Schedule(new WarmupCosineSchedule(warmupSteps: 10, totalSteps: 500))
            .AverageWeights(decay: 0.99)               // EMA of the weights
            .Build();

        // A toy task the network can learn: the class follows the signs of the first two features.
        static int Label(ReadOnlySpan<float> x) => x[0] < 0 ? 0 : x[1] < 0 ? 1 : 2;
        var random = new SeededRandom(1);
        float[] inputs = new float[8 * 20];
        int[] labels = new int[8];
        for (int microBatch = 0; microBatch < 4 * 500; microBatch++)
        {
            for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextStandardNormal();
            for (int n = 0; n < labels.Length; n++) labels[n] = Label(inputs.AsSpan(n * 20, 20));
            network.ComputeGradients(inputs, 8, labels);   // forward and backward fill the gradients
            pipeline.Step();                              // Applied, Accumulated or Skipped
        }

        using (pipeline.Average!.Apply()) { /* evaluate with the averaged weights */ }   // swapped back on dispose
        Console.WriteLine(pipeline);                   // the stages, in execution order
        #endregion
        return Evaluate(network, pipeline);
    }

    private static (float, float, float, string) Evaluate(Network<float> trained, UpdatePipeline<float> pipeline)
    {
        var untrained = new Network<float>([new LinearSpec(20, 16), new ActivationSpec(Activation.Relu), new LinearSpec(16, 3)]);
        var random = new SeededRandom(2);
        const int count = 512;
        float[] inputs = new float[count * 20];
        int[] labels = new int[count];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextStandardNormal();
        for (int n = 0; n < count; n++)
        {
            labels[n] = inputs[n * 20] < 0 ? 0 : inputs[(n * 20) + 1] < 0 ? 1 : 2;
        }

        float averaged;
        using (pipeline.Average!.Apply())
        {
            averaged = trained.Loss(inputs, count, labels);
        }

        return (untrained.Loss(inputs, count, labels), trained.Loss(inputs, count, labels), averaged, pipeline.ToString());
    }
}
