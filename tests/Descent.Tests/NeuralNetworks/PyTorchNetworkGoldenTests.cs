using System.Globalization;
using System.Text.Json;
using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Testing;

namespace Descent.Tests.NeuralNetworks;

/// <summary>End-to-end training against PyTorch 2.11 (pytorch/networks.json): losses, final state, eval logits.</summary>
public class PyTorchNetworkGoldenTests
{
    public static TheoryData<int> Cases()
    {
        using var doc = Goldens.Load("pytorch/networks.json");
        var data = new TheoryData<int>();
        var cases = doc.RootElement.GetProperty("cases");
        for (int i = 0; i < cases.GetArrayLength(); i++)
        {
            // Adam joins when the optimizer lands on main.
            if (cases[i].GetProperty("optimizer").GetString()!.StartsWith("SGD", StringComparison.Ordinal))
            {
                data.Add(i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Training_MatchesPyTorch(int index)
    {
        using var doc = Goldens.Load("pytorch/networks.json");
        var c = doc.RootElement.GetProperty("cases")[index];
        string[] layers = [.. c.GetProperty("layers").EnumerateArray().Select(e => e.GetString()!)];
        var net = PyTorchSequential.Build<double>(layers, State(c.GetProperty("init_state")));
        double[] x = Doubles(c.GetProperty("X"));
        int batch = c.GetProperty("X_shape")[0].GetInt32();
        int[] y = [.. c.GetProperty("y").EnumerateArray().Select(e => e.GetInt32())];
        var optimizer = CreateOptimizer(c.GetProperty("optimizer").GetString()!, net.Parameters);

        double[] expectedLosses = Doubles(c.GetProperty("loss_before_each_step"));
        double lossError = 0;
        foreach (double expected in expectedLosses)
        {
            double loss = net.ComputeGradients(x, batch, y);
            lossError = Math.Max(lossError, Math.Abs(loss - expected) / Math.Max(1, Math.Abs(expected)));
            optimizer.Step();
        }

        Assert.True(lossError <= 1e-10, $"loss error {lossError:E2}");
        var state = net.StateDict();
        foreach (var (name, expected) in State(c.GetProperty("final_state")))
        {
            Assert.True(MaxError(state[name], expected) <= 1e-9, $"{name}: error {MaxError(state[name], expected):E2}");
        }

        double[] logits = net.Predict(x, batch).ToArray();
        Assert.True(MaxError(logits, Doubles(c.GetProperty("eval_logits_after"))) <= 1e-9, "eval logits");
    }

    internal static IOptimizer CreateOptimizer(string text, IReadOnlyList<Parameter<double>> parameters)
    {
        // "SGD(lr=0.1,momentum=0.9)"
        string name = text[..text.IndexOf('(', StringComparison.Ordinal)];
        var args = text[(name.Length + 1)..^1].Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => a.Split('='))
            .ToDictionary(a => a[0].Trim(), a => double.Parse(a[1], CultureInfo.InvariantCulture));
        return name switch
        {
            "SGD" => new Sgd<double>(parameters, new SgdOptions { LearningRate = args["lr"], Momentum = args.GetValueOrDefault("momentum") }),
            _ => throw new NotSupportedException($"No optimizer '{name}' yet."),
        };
    }

    private static double MaxError(double[] actual, double[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double error = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            error = Math.Max(error, Math.Abs(actual[i] - expected[i]) / Math.Max(1, Math.Abs(expected[i])));
        }

        return error;
    }

    private static Dictionary<string, double[]> State(JsonElement e) =>
        e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.Array ? Doubles(p.Value) : [p.Value.GetDouble()]);

    private static double[] Doubles(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetDouble())];
}
