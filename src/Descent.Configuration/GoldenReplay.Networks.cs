using System.Numerics;
using System.Text.Json;
using Descent.NeuralNetworks;
using Descent.Optimizers;

namespace Descent.Configuration;

/// <summary>Network cases of pytorch/networks.json.</summary>
internal static partial class GoldenReplay
{
    /// <summary>
    /// Replays one network case in <typeparamref name="T"/>: builds the network from its <c>layers</c> and
    /// <c>init_state</c>, trains it full-batch with the case's <c>optimizer</c> for as many steps as it records losses,
    /// then evaluates it.
    /// </summary>
    /// <param name="c">The case.</param>
    /// <returns>The largest relative errors of the losses, the final state (running statistics included) and the evaluation logits.</returns>
    /// <exception cref="KeyNotFoundException">The final state names a tensor the network does not have.</exception>
    public static NetworkErrors ReplayNetwork<T>(JsonElement c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string[] modules = [.. c.GetProperty("layers").EnumerateArray().Select(e => e.GetString() ?? string.Empty)];
        var net = PyTorchSequential.Build<T>(modules, State(c.GetProperty("init_state")));
        T[] x = [.. c.GetProperty("X").EnumerateArray().Select(v => T.CreateTruncating(v.GetDouble()))];
        int batch = c.GetProperty("X_shape")[0].GetInt32();
        int[] y = [.. c.GetProperty("y").EnumerateArray().Select(v => v.GetInt32())];

        // The golden writes PyTorch's constructor, "Adam(lr=0.01)"; the catalog reads "Adam:lr=0.01".
        string spec = c.GetProperty("optimizer").GetString() ?? string.Empty;
        var optimizer = OptimizerCatalog.Create(spec.Replace('(', ':').TrimEnd(')'), net.Parameters);

        var losses = c.GetProperty("loss_before_each_step");
        var computed = new T[losses.GetArrayLength()];
        for (int t = 0; t < computed.Length; t++)
        {
            computed[t] = net.ComputeGradients(x, batch, y);
            optimizer.Step();
        }

        double stateError = 0;
        var state = net.StateDict();
        foreach (var tensor in c.GetProperty("final_state").EnumerateObject())
        {
            if (!state.TryGetValue(tensor.Name, out var values))
            {
                throw new KeyNotFoundException($"The network has no tensor '{tensor.Name}' to compare.");
            }

            stateError = tensor.Value.ValueKind == JsonValueKind.Array
                ? Math.Max(stateError, RelativeError<double>(values, tensor.Value))
                : Math.Max(stateError, Math.Abs(values[0] - tensor.Value.GetDouble()));
        }

        return new NetworkErrors(
            RelativeError<T>(computed, losses),
            stateError,
            RelativeError(net.Predict(x, batch).Span, c.GetProperty("eval_logits_after")));
    }

    private static Dictionary<string, double[]> State(JsonElement e) =>
        e.EnumerateObject().ToDictionary(
            p => p.Name,
            p => p.Value.ValueKind == JsonValueKind.Array ? [.. p.Value.EnumerateArray().Select(v => v.GetDouble())] : new[] { p.Value.GetDouble() });
}

/// <summary>How far a replayed network case is from its reference.</summary>
/// <param name="Loss">The largest relative error of the loss before each step.</param>
/// <param name="State">The largest relative error of a final-state tensor.</param>
/// <param name="Logits">The relative error of the evaluation logits.</param>
internal readonly record struct NetworkErrors(double Loss, double State, double Logits)
{
    /// <summary>The largest of the three.</summary>
    public double Max => Math.Max(Loss, Math.Max(State, Logits));
}
