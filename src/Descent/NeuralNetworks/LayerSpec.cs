namespace Descent.NeuralNetworks;

/// <summary>One entry of a <see cref="Network{T}"/>'s layer list; sizes other than a linear layer's follow from the previous layer.</summary>
public abstract record LayerSpec;

/// <summary>A fully connected layer (PyTorch <c>Linear</c>, the book's <c>Affine</c>).</summary>
/// <param name="Inputs">Input features.</param>
/// <param name="Outputs">Output features.</param>
public sealed record LinearSpec(int Inputs, int Outputs) : LayerSpec;

/// <summary>Batch normalisation (PyTorch <c>BatchNorm1d</c>) over the previous layer's features.</summary>
/// <param name="Options">Constants; null means the network's default (PyTorch's).</param>
public sealed record BatchNormSpec(BatchNormOptions? Options = null) : LayerSpec;

/// <summary>An element-wise activation.</summary>
/// <param name="Function">Which one.</param>
public sealed record ActivationSpec(Activation Function) : LayerSpec;

/// <summary>Dropout with drop probability <paramref name="Ratio"/>.</summary>
/// <param name="Ratio">Probability of dropping a value, in [0, 1).</param>
/// <param name="Inverted">Scale at training time (PyTorch) rather than at evaluation (the book).</param>
public sealed record DropoutSpec(double Ratio, bool Inverted = true) : LayerSpec;

/// <summary>How a network names its tensors and stores its weights.</summary>
public enum NetworkConvention
{
    /// <summary>
    /// PyTorch's <c>nn.Sequential</c>: <c>"0.weight"</c>, <c>"0.bias"</c>, <c>"1.running_mean"</c>… keyed by
    /// the layer's index; linear weights stored <c>out × in</c>.
    /// </summary>
    PyTorch,

    /// <summary>
    /// The book's <c>MultiLayerNet</c>: <c>W1</c>, <c>b1</c>, <c>gamma1</c>, <c>beta1</c>… numbered per linear layer;
    /// weights stored <c>in × out</c>; running statistics <c>running_mean1</c>, <c>running_var1</c>.
    /// </summary>
    Book,
}
