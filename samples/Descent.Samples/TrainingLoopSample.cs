#region README training-loop
using Descent.Data;
using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Pipeline;
using Descent.Randomness;
using Descent.Training;

#endregion
namespace Samples;

/// <summary>The README's training-loop example: the book's Trainer conventions on the bundled MNIST.</summary>
public static class TrainingLoopSample
{
    /// <summary>Runs the example on the MNIST folder given; returns the result and how often the evaluation hook fired.</summary>
    public static (TrainingResult Result, int Evaluations) Run(string folder)
    {
        #region README training-loop
        TensorDataset<float> train = DatasetDirectory.Load(folder).Train.ToTensors<float>();   // e.g. "data/mnist"
        var batches = new MiniBatchSampler<float>(train, 128, BatchOrder.WithReplacement, new SeededRandom(1));
        var network = new MultiLayerNet<float>(784, [100, 100], 10);
        var pipeline = UpdatePipeline.For(network.Parameters)
            .Optimizer((ps, o) => new Sgd<float>(ps, o), new SgdOptions { LearningRate = 0.1 })
            .Build();
        var myLogger = new EvaluationCounter();
        using var cancellation = new CancellationTokenSource();   // Cancel() stops the run at the next step boundary

        var loop = new TrainingLoop<float>(network, pipeline, batches, new TrainingLoopOptions<float>
        {
            Recording = LossRecording.AfterUpdate,   // the book's Trainer: the same batch's loss after the update
            EvaluateEvery = 60_000 / 128.0,          // the book's fractional iter_per_epoch: OnEvaluation at i % 468.75 == 0
            Observers = [myLogger],
        });
        TrainingResult result = loop.Run(1_000, cancellation.Token);
        // result.Status: Completed, Interrupted (token, at a step boundary) or Diverged (result.DivergedAt);
        // result.Losses: the curve so far. After a checkpoint restore, loop.Resume(step, losses) continues it.
        #endregion
        return (result, myLogger.Evaluations);
    }
}

#region README training-loop
internal sealed class EvaluationCounter : ITrainingObserver
{
    public int Evaluations { get; private set; }

    public void OnEvaluation(long index) => Evaluations++;
}
#endregion
