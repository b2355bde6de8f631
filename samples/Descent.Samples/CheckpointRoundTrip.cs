#region README checkpoints
using Descent.Checkpoints;
using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Pipeline;
using Descent.Randomness;
using Descent.Schedules;

#endregion
namespace Samples;

/// <summary>The README's checkpoint example: save a network, its optimizer (or whole pipeline) and its random stream; load them into fresh objects.</summary>
public static class CheckpointRoundTrip
{
    /// <summary>Runs the example in <paramref name="folder"/>; returns the steps read back and whether the weights came back equal.</summary>
    public static (long Step, long PipelineStep, bool SameWeights) Run(string folder)
    {
        string path = Path.Combine(folder, "run.safetensors");
        string pipelinePath = Path.Combine(folder, "pipeline.safetensors");
        #region README checkpoints
        LayerSpec[] layers = [new LinearSpec(4, 8), new ActivationSpec(Activation.Tanh), new LinearSpec(8, 2)];
        var net = new Network<double>(layers, random: new SeededRandom(0));
        var adam = new Adam<double>(net.Parameters);
        net.ComputeGradients(new double[4], 1, [1]);
        adam.Step();
        Checkpoint.Save(path, net, adam, net.Random, new CheckpointInfo
        {
            Step = 1,
            Settings = new Dictionary<string, string> { ["optimizer"] = "adam:lr=0.001" },
        });

        var freshNet = new Network<double>(layers, random: new SeededRandom(123));
        var freshAdam = new Adam<double>(freshNet.Parameters);
        var info = Checkpoint.Load(path, freshNet, freshAdam, freshNet.Random);  // continues bit-identically

        // With a pipeline: its whole state (optimizer, schedule, weight average, accumulation window, counters), typed.
        UpdatePipeline<double> Declare(Network<double> n) => UpdatePipeline.For(n.Parameters)
            .Optimizer((ps, o) => new AdamW<double>(ps, o), new AdamWOptions())
            .Schedule(new WarmupCosineSchedule(warmupSteps: 10, totalSteps: 100))
            .Build();
        var pipeline = Declare(net);
        net.ComputeGradients(new double[4], 1, [0]);
        pipeline.Step();
        Checkpoint.SaveTraining(pipelinePath, net, pipeline, net.Random, new CheckpointInfo { Step = 2 });
        var pipelineInfo = Checkpoint.LoadTraining(pipelinePath, freshNet, Declare(freshNet), freshNet.Random);
        #endregion
        return (info.Step, pipelineInfo.Step, net.Storage.Values.AsSpan().SequenceEqual(freshNet.Storage.Values));
    }
}
