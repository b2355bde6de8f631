using System.Numerics;
using Descent.Numerics;
using Descent.Randomness;

namespace Descent.NeuralNetworks;

/// <summary>
/// The book's fully connected classifier (<c>common/multi_layer_net.py</c>): Affine → activation for each
/// hidden layer, then Affine → softmax cross-entropy, with parameters <c>W1, b1, …</c> stored <c>in × out</c>
/// and the L2 penalty <c>½λ Σ‖W‖²</c> in the loss.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class MultiLayerNet<T> : Network<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Builds the network and draws <c>W = scale · randn(in, out)</c> layer by layer, biases zero.</summary>
    /// <param name="inputSize">Input features (784 for MNIST).</param>
    /// <param name="hiddenSizes">Width of each hidden layer, e.g. <c>[100, 100, 100, 100]</c>.</param>
    /// <param name="outputSize">Classes (10 for MNIST).</param>
    /// <param name="activation">Hidden activation (the book's <c>'relu'</c> default).</param>
    /// <param name="weightInit">Initialisation (default He, the book's <c>'relu'</c>).</param>
    /// <param name="weightDecay">The book's <c>weight_decay_lambda</c> λ.</param>
    /// <param name="random">Source of the initial weights; default <see cref="SeededRandom"/> with seed 0.</param>
    /// <param name="gemm">How the matrix products run (default <see cref="GemmContext.Default"/>).</param>
    public MultiLayerNet(
        int inputSize,
        IReadOnlyList<int> hiddenSizes,
        int outputSize,
        Activation activation = Activation.Relu,
        WeightInit? weightInit = null,
        double weightDecay = 0,
        IRandomSource? random = null,
        GemmContext? gemm = null)
        : base(
            Stack(inputSize, hiddenSizes, outputSize, activation, null, null),
            BookOptions(weightInit, weightDecay, gemm),
            random)
    {
    }

    /// <summary>The book's naming and layout with the given initialisation, λ and GEMM context.</summary>
    internal static NetworkOptions BookOptions(WeightInit? weightInit, double weightDecay, GemmContext? gemm)
        => new() { Convention = NetworkConvention.Book, WeightInit = weightInit ?? WeightInit.He, WeightDecay = weightDecay, Gemm = gemm ?? GemmContext.Default };

    /// <summary>The layer list of the book's networks: [Affine, (BatchNorm), activation, (Dropout)] per hidden layer, then Affine.</summary>
    internal static List<LayerSpec> Stack(
        int inputSize, IReadOnlyList<int> hiddenSizes, int outputSize, Activation activation, BatchNormSpec? batchNorm, DropoutSpec? dropout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSize, 1);
        var specs = new List<LayerSpec>();
        int size = inputSize;
        foreach (int hidden in hiddenSizes)
        {
            if (hidden < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(hiddenSizes), hidden, $"Every hidden size must be ≥ 1; got [{string.Join(", ", hiddenSizes)}].");
            }

            specs.Add(new LinearSpec(size, hidden));
            if (batchNorm is not null)
            {
                specs.Add(batchNorm);
            }

            specs.Add(new ActivationSpec(activation));
            if (dropout is not null)
            {
                specs.Add(dropout);
            }

            size = hidden;
        }

        specs.Add(new LinearSpec(size, outputSize));
        return specs;
    }
}

/// <summary>
/// The book's <c>MultiLayerNetExtend</c> (<c>common/multi_layer_net_extend.py</c>): <see cref="MultiLayerNet{T}"/>
/// with optional batch normalisation (<c>gamma1, beta1, …</c>) after each hidden affine layer and dropout
/// after each hidden activation.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class MultiLayerNetExtend<T> : Network<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Builds the network.</summary>
    /// <param name="inputSize">Input features.</param>
    /// <param name="hiddenSizes">Width of each hidden layer.</param>
    /// <param name="outputSize">Classes.</param>
    /// <param name="activation">Hidden activation.</param>
    /// <param name="weightInit">Initialisation (default He).</param>
    /// <param name="weightDecay">The book's λ.</param>
    /// <param name="useBatchNorm">Insert batch normalisation after each hidden affine layer.</param>
    /// <param name="batchNorm">Its constants: default PyTorch's; <see cref="BatchNormOptions.Book"/> for the book's.</param>
    /// <param name="useDropout">Insert dropout after each hidden activation.</param>
    /// <param name="dropoutRatio">Drop probability (the book's <c>dropout_ration</c>, default 0.5).</param>
    /// <param name="invertedDropout">Scale in training (default, PyTorch) rather than the book's scaling at evaluation.</param>
    /// <param name="random">Source of the initial weights and dropout masks; default <see cref="SeededRandom"/> with seed 0.</param>
    /// <param name="gemm">How the matrix products run (default <see cref="GemmContext.Default"/>).</param>
    public MultiLayerNetExtend(
        int inputSize,
        IReadOnlyList<int> hiddenSizes,
        int outputSize,
        Activation activation = Activation.Relu,
        WeightInit? weightInit = null,
        double weightDecay = 0,
        bool useBatchNorm = false,
        BatchNormOptions? batchNorm = null,
        bool useDropout = false,
        double dropoutRatio = 0.5,
        bool invertedDropout = true,
        IRandomSource? random = null,
        GemmContext? gemm = null)
        : base(
            MultiLayerNet<T>.Stack(
                inputSize,
                hiddenSizes,
                outputSize,
                activation,
                useBatchNorm ? new BatchNormSpec(batchNorm) : null,
                useDropout ? new DropoutSpec(dropoutRatio, invertedDropout) : null),
            MultiLayerNet<T>.BookOptions(weightInit, weightDecay, gemm),
            random)
    {
    }
}
