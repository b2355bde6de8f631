#region README network
using Descent.Data;
using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Randomness;

#endregion
namespace Samples;

/// <summary>The README's network example: the book's MNIST network trained with Adam.</summary>
public static class BookNetwork
{
    /// <summary>Runs the example on the MNIST folder given (the repository's <c>data/mnist</c>); returns the last loss and the test accuracy.</summary>
    public static (float Loss, double Accuracy) Run(string folder, int steps = 2000)
    {
        #region README network
        TrainTestSplit mnist = DatasetDirectory.Load(folder);    // e.g. "data/mnist", the bundled subset
        TensorDataset<float> train = mnist.Train.ToTensors<float>(), test = mnist.Test.ToTensors<float>();
        var batches = new MiniBatchSampler<float>(train, 128, BatchOrder.WithReplacement, new SeededRandom(42));

        // The book's 784-100-100-100-100-10 ReLU net, He init, L2 weight decay λ = 0.
        var net = new MultiLayerNet<float>(784, [100, 100, 100, 100], 10,
            Activation.Relu, WeightInit.He, weightDecay: 0, random: new SeededRandom(0));
        var adam = new Adam<float>(net.Parameters, new AdamOptions { LearningRate = 0.001 });

        float loss = float.NaN;
        for (int step = 0; step < steps; step++)
        {
            MiniBatch<float> batch = batches.Next();    // features [128, 784] row-major, labels 0..9
            loss = net.ComputeGradients(batch.Features, batch.Count, batch.Labels.Span);  // forward + backward, fills gradients
            adam.Step();
        }
        double accuracy = net.Accuracy(test.Features, test.Count, test.Labels);
        #endregion
        return (loss, accuracy);
    }
}
