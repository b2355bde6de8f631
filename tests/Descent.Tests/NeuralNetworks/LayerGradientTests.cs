using Descent.NeuralNetworks;
using Descent.Randomness;

namespace Descent.Tests.NeuralNetworks;

public class LayerGradientTests
{
    private const double Tolerance = 1e-7;
    private const int Batch = 5;

    public static TheoryData<string> LayerNames => ["affine-book", "affine-pytorch", "affine-fused-relu", "relu", "sigmoid", "tanh", "batchnorm-train", "batchnorm-eval", "batchnorm-book", "dropout-inverted", "dropout-book", "dropout-eval"];

    private static Layer<double> Make(string name, out Action beforeForward)
    {
        beforeForward = static () => { };
        switch (name)
        {
            case "affine-book":
            case "affine-pytorch":
            case "affine-fused-relu":
            {
                var layout = name == "affine-pytorch" ? WeightLayout.OutputByInput : WeightLayout.InputByOutput;
                int[] shape = layout == WeightLayout.InputByOutput ? [4, 3] : [3, 4];
                var w = new Parameter<double>("W", GradientCheck.Normal(12, 1), shape);
                var b = new Parameter<double>("b", GradientCheck.Normal(3, 2));
                return new Affine<double>(w, b, layout, fuseRelu: name == "affine-fused-relu");
            }

            case "relu":
                return new Relu<double>(4);
            case "sigmoid":
                return new Sigmoid<double>(4);
            case "tanh":
                return new Tanh<double>(4);
            case "batchnorm-train":
            case "batchnorm-eval":
            case "batchnorm-book":
            {
                var bn = new BatchNorm<double>(
                    new Parameter<double>("gamma", GradientCheck.Normal(4, 3)),
                    new Parameter<double>("beta", GradientCheck.Normal(4, 4)),
                    name == "batchnorm-book" ? BatchNormOptions.Book : null);
                GradientCheck.Normal(4, 5).CopyTo(bn.RunningMean, 0);
                for (int j = 0; j < 4; j++)
                {
                    bn.RunningVariance[j] = 0.5 + j;
                }

                return bn;
            }

            default:
            {
                var random = new SeededRandom(7);
                byte[] state = random.SaveState();

                // Every evaluation must see the same mask, so the stream restarts before each forward pass.
                beforeForward = () => random.LoadState(state);
                return new Dropout<double>(4, 0.4, random, inverted: name != "dropout-book");
            }
        }
    }

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void Backward_MatchesCentralDifferences(string name)
    {
        var layer = Make(name, out var beforeForward);
        bool training = !name.EndsWith("-eval", StringComparison.Ordinal);
        double[] x = GradientCheck.Normal(Batch * layer.InputSize, 11);
        double[] r = GradientCheck.Normal(Batch * layer.OutputSize, 12);

        // L = Σ r ⊙ layer(x), so ∂L/∂y = r.
        double Loss()
        {
            beforeForward();
            var y = layer.Forward(x, Batch, training).Span;
            double sum = 0;
            for (int i = 0; i < y.Length; i++)
            {
                sum += r[i] * y[i];
            }

            return sum;
        }

        Loss();
        double[] dx = layer.Backward(r).ToArray();
        var analytic = layer.Parameters.Select(p => p.Gradient.ToArray()).ToArray();

        Assert.True(GradientCheck.RelativeError(Loss, x, dx) <= Tolerance, $"{name}: dx");
        for (int k = 0; k < analytic.Length; k++)
        {
            double error = GradientCheck.RelativeError(Loss, layer.Parameters[k].Value, analytic[k]);
            Assert.True(error <= Tolerance, $"{name}: {layer.Parameters[k].Name} relative error {error:E2}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SoftmaxWithLoss_Backward_MatchesCentralDifferences(bool oneHot)
    {
        const int classes = 4;
        var loss = new SoftmaxWithLoss<double>(classes);
        double[] logits = GradientCheck.Normal(Batch * classes, 21, 3);
        int[] labels = [0, 3, 1, 1, 2];
        double[] targets = new double[Batch * classes];
        for (int r = 0; r < Batch; r++)
        {
            targets[(r * classes) + labels[r]] = 1;
        }

        double Loss() => oneHot ? loss.Forward(logits, Batch, targets) : loss.Forward(logits, Batch, labels);

        Loss();
        double[] analytic = loss.Backward().ToArray();
        Assert.True(GradientCheck.RelativeError(Loss, logits, analytic) <= Tolerance);
    }

    [Fact]
    public void SoftmaxWithLoss_SoftTargets_MatchesCentralDifferences()
    {
        const int classes = 3;
        var loss = new SoftmaxWithLoss<double>(classes);
        double[] logits = GradientCheck.Normal(2 * classes, 31);
        double[] targets = [0.2, 0.5, 0.3, 0.1, 0.1, 0.8];
        double Loss() => loss.Forward(logits, 2, targets);
        Loss();
        Assert.True(GradientCheck.RelativeError(Loss, logits, loss.Backward().ToArray()) <= Tolerance);
    }
}
