using System.Numerics;
using System.Text.Json;
using Descent.NeuralNetworks;
using Descent.Optimizers;

namespace Descent.Cli.Verification;

/// <summary>
/// End-to-end network training (<c>cases</c> of pytorch/networks.json): builds each case's network from its
/// <c>layers</c> list and <c>init_state</c>, trains full-batch with the named optimizer, and compares every loss,
/// the final state (running statistics included) and the evaluation logits.
/// </summary>
internal sealed class NetworkSuite : IGoldenSuite
{
    public string Name => "networks";

    public bool Accepts(string section, JsonElement value) =>
        section == "cases" && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0
        && value[0].ValueKind == JsonValueKind.Object
        && value[0].TryGetProperty("layers", out _) && value[0].TryGetProperty("init_state", out _);

    public IEnumerable<GoldenResult> Run(string section, JsonElement value, VerifySettings settings)
    {
        foreach (var c in value.EnumerateArray())
        {
            yield return RunCase(c, settings);
        }
    }

    private static GoldenResult RunCase(JsonElement c, VerifySettings settings)
    {
        string layers = c.TryGetProperty("layers", out var l) ? string.Join("-", l.EnumerateArray().Select(GoldenReplay.Text)) : "?";
        string optimizer = c.TryGetProperty("optimizer", out var o) ? GoldenReplay.Text(o) : "(no optimizer)";
        string label = $"network {layers} {optimizer}";
        try
        {
            return settings.Float
                ? new GoldenResult(label + " [float]", Train<float>(c), 1e-4)
                : new GoldenResult(label, Train<double>(c), 1e-10);
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException or NotSupportedException)
        {
            return GoldenResult.Failed(label, GoldenRunner.Reason(ex));
        }
    }

    /// <summary>Trains the case and returns the largest relative error over losses, final state and eval logits.</summary>
    private static double Train<T>(JsonElement c)
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

        double error = 0;
        var losses = c.GetProperty("loss_before_each_step");
        var computed = new T[losses.GetArrayLength()];
        for (int t = 0; t < computed.Length; t++)
        {
            computed[t] = net.ComputeGradients(x, batch, y);
            optimizer.Step();
        }

        error = Math.Max(error, GoldenReplay.RelativeError<T>(computed, losses));
        var state = net.StateDict();
        foreach (var tensor in c.GetProperty("final_state").EnumerateObject())
        {
            if (!state.TryGetValue(tensor.Name, out var values))
            {
                throw new KeyNotFoundException($"The network has no tensor '{tensor.Name}' to compare.");
            }

            error = tensor.Value.ValueKind == JsonValueKind.Array
                ? Math.Max(error, GoldenReplay.RelativeError<double>(values, tensor.Value))
                : Math.Max(error, Math.Abs(values[0] - tensor.Value.GetDouble()));
        }

        return Math.Max(error, GoldenReplay.RelativeError(net.Predict(x, batch).Span, c.GetProperty("eval_logits_after")));
    }

    private static Dictionary<string, double[]> State(JsonElement e) =>
        e.EnumerateObject().ToDictionary(
            p => p.Name,
            p => p.Value.ValueKind == JsonValueKind.Array ? [.. p.Value.EnumerateArray().Select(v => v.GetDouble())] : new[] { p.Value.GetDouble() });
}
