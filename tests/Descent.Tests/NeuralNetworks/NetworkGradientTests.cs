using Descent.NeuralNetworks;
using Descent.Randomness;

namespace Descent.Tests.NeuralNetworks;

public class NetworkGradientTests
{
    private const double Tolerance = 1e-7;
    private const int Batch = 6;

    private static void CheckAllParameters(Network<double> net, Action beforeForward)
    {
        double[] x = GradientCheck.Normal(Batch * net.InputSize, 41);
        int[] labels = [.. Enumerable.Range(0, Batch).Select(i => i % net.OutputSize)];
        double Loss()
        {
            beforeForward();
            return net.Loss(x, Batch, labels, training: true);
        }

        beforeForward();
        double atStart = net.ComputeGradients(x, Batch, labels);
        Assert.Equal(Loss(), atStart);
        var analytic = net.Parameters.Select(p => p.Gradient.ToArray()).ToArray();
        for (int k = 0; k < analytic.Length; k++)
        {
            double error = GradientCheck.RelativeError(Loss, net.Parameters[k].Value, analytic[k]);
            Assert.True(error <= Tolerance, $"{net.Parameters[k].Name}: relative error {error:E2}");
        }
    }

    [Theory]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Tanh)]
    public void MultiLayerNet_WithWeightDecay_MatchesCentralDifferences(Activation activation)
    {
        var net = new MultiLayerNet<double>(7, [6, 5], 3, activation, WeightInit.Xavier, weightDecay: 0.1, random: new SeededRandom(3));
        CheckAllParameters(net, static () => { });
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MultiLayerNetExtend_WithBatchNormAndDropout_MatchesCentralDifferences(bool inverted)
    {
        var random = new SeededRandom(5);
        var net = new MultiLayerNetExtend<double>(
            7, [6, 5], 3, Activation.Relu, weightDecay: 0.05, useBatchNorm: true, useDropout: true, dropoutRatio: 0.3,
            invertedDropout: inverted, random: random);
        byte[] state = random.SaveState();
        CheckAllParameters(net, () => random.LoadState(state));
    }

    [Fact]
    public void PyTorchLayout_SequentialWithBatchNormAndTanh_MatchesCentralDifferences()
    {
        var net = new Network<double>(
            [new LinearSpec(5, 4), new BatchNormSpec(), new ActivationSpec(Activation.Tanh), new LinearSpec(4, 4), new ActivationSpec(Activation.Relu), new LinearSpec(4, 3)],
            new NetworkOptions { WeightDecay = 0.01 },
            new SeededRandom(9));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias", "5.weight", "5.bias"], net.Parameters.Select(p => p.Name));
        CheckAllParameters(net, static () => { });
    }
}
