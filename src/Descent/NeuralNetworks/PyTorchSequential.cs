using System.Numerics;

namespace Descent.NeuralNetworks;

/// <summary>
/// Builds a <see cref="Network{T}"/> that mirrors a PyTorch <c>nn.Sequential</c> given its module class names
/// (<c>Linear</c>, <c>BatchNorm1d</c>, <c>ReLU</c>, <c>Tanh</c>, <c>Sigmoid</c>) and its <c>state_dict</c>: sizes follow
/// from the tensors, names are PyTorch's (<c>"0.weight"</c>…), linear weights are stored <c>out × in</c>.
/// </summary>
public static class PyTorchSequential
{
    /// <summary>The module class names this builder understands.</summary>
    public static IReadOnlyList<string> SupportedModules { get; } = ["Linear", "BatchNorm1d", "ReLU", "Tanh", "Sigmoid"];

    /// <summary>Builds the network and loads <paramref name="stateDict"/> into it.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="modules">The modules' class names, in order.</param>
    /// <param name="stateDict">Every tensor, keyed <c>"&lt;index&gt;.&lt;name&gt;"</c>, flattened row-major.</param>
    /// <param name="batchNorm">BatchNorm constants (default PyTorch's).</param>
    /// <returns>The network, in PyTorch's convention, holding exactly the given values.</returns>
    /// <exception cref="ArgumentException">An unknown module, a missing tensor, or sizes that do not chain.</exception>
    public static Network<T> Build<T>(IReadOnlyList<string> modules, IReadOnlyDictionary<string, double[]> stateDict, BatchNormOptions? batchNorm = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(modules);
        ArgumentNullException.ThrowIfNull(stateDict);
        var specs = new List<LayerSpec>();
        for (int i = 0; i < modules.Count; i++)
        {
            specs.Add(modules[i] switch
            {
                "Linear" => Linear(i, stateDict),
                "BatchNorm1d" => new BatchNormSpec(batchNorm),
                "ReLU" => new ActivationSpec(Activation.Relu),
                "Tanh" => new ActivationSpec(Activation.Tanh),
                "Sigmoid" => new ActivationSpec(Activation.Sigmoid),
                _ => throw new ArgumentException(
                    $"Module {i} is '{modules[i]}'; supported modules are {string.Join(", ", SupportedModules)}.", nameof(modules)),
            });
        }

        var network = new Network<T>(specs, new NetworkOptions { Convention = NetworkConvention.PyTorch, WeightInit = WeightInit.StandardDeviation(0) });
        network.LoadStateDict(stateDict);
        return network;
    }

    private static LinearSpec Linear(int index, IReadOnlyDictionary<string, double[]> state)
    {
        if (!state.TryGetValue($"{index}.weight", out var weight) || !state.TryGetValue($"{index}.bias", out var bias))
        {
            throw new ArgumentException($"Linear module {index} needs tensors '{index}.weight' and '{index}.bias' in the state.", nameof(state));
        }

        if (bias.Length == 0 || weight.Length % bias.Length != 0)
        {
            throw new ArgumentException($"Linear module {index}: weight has {weight.Length} values, not a multiple of the bias length {bias.Length}.", nameof(state));
        }

        return new LinearSpec(weight.Length / bias.Length, bias.Length);
    }
}
