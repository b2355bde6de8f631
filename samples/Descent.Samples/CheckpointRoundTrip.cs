#region README checkpoints
using Descent.Checkpoints;
using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Randomness;

#endregion
namespace Samples;

/// <summary>The README's checkpoint example: save a network, its optimizer and its random stream; load them into fresh objects.</summary>
public static class CheckpointRoundTrip
{
    /// <summary>Runs the example in <paramref name="folder"/>; returns the step read back and whether the weights came back equal.</summary>
    public static (long Step, bool SameWeights) Run(string folder)
    {
        string path = Path.Combine(folder, "run.safetensors");
        #region README checkpoints
        LayerSpec[] layers = [new LinearSpec(4, 8), new ActivationSpec(Activation.Tanh), new LinearSpec(8, 2)];
        var net = new Network<double>(layers, random: new SeededRandom(0));
        var adam = new Adam<double>(net.Parameters);
        net.ComputeGradients(new double[4], 1, [1]);
        adam.Step();
        Checkpoint.Save(path, net, adam, net.Random, new CheckpointInfo
        {
            Step = 1,
            Schedule = new Dictionary<string, string> { ["epoch"] = "0" },    // any string map
            Settings = new Dictionary<string, string> { ["optimizer"] = "adam:lr=0.001" },
        });

        var freshNet = new Network<double>(layers, random: new SeededRandom(123));
        var freshAdam = new Adam<double>(freshNet.Parameters);
        var info = Checkpoint.Load(path, freshNet, freshAdam, freshNet.Random);  // continues bit-identically
        #endregion
        return (info.Step, net.Storage.Values.AsSpan().SequenceEqual(freshNet.Storage.Values));
    }
}
