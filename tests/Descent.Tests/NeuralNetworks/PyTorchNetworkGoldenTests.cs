using System.Text.Json;
using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Testing;
using Xunit.Abstractions;

namespace Descent.Tests.NeuralNetworks;

/// <summary>End-to-end training against PyTorch 2.11 (pytorch/networks.json): losses, final state, eval logits.</summary>
public class PyTorchNetworkGoldenTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-14;

    public static TheoryData<int> Cases()
    {
        using var doc = Goldens.Load("pytorch/networks.json");
        var data = new TheoryData<int>();
        for (int i = 0; i < doc.RootElement.GetProperty("cases").GetArrayLength(); i++)
        {
            data.Add(i);
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

        // BatchNorm computes in PyTorch's CPU kernel order (BatchNormArithmetic.PyTorch), so every case agrees to a few
        // ulps (measured: ≤ 5.5e-16, the BatchNorm case 3.3e-16); 1e-14 leaves room for summation-order noise only.
        Assert.True(lossError <= Tolerance, $"loss error {lossError:E2}");
        var state = net.StateDict();
        foreach (var (name, expected) in State(c.GetProperty("final_state")))
        {
            Assert.True(MaxError(state[name], expected) <= Tolerance, $"{name}: error {MaxError(state[name], expected):E2}");
        }

        double stateError = State(c.GetProperty("final_state")).Max(e => MaxError(state[e.Key], e.Value));
        double logitError = MaxError(net.Predict(x, batch).ToArray(), Doubles(c.GetProperty("eval_logits_after")));
        output.WriteLine($"case {index} ({c.GetProperty("arch")}, {c.GetProperty("optimizer")}): loss {lossError:E1}, state {stateError:E1}, logits {logitError:E1}");
        Assert.True(logitError <= Tolerance, $"eval logits: error {logitError:E2}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TrainingInFloat_StaysWithinFloatPrecisionOfPyTorch(int index)
    {
        using var doc = Goldens.Load("pytorch/networks.json");
        var c = doc.RootElement.GetProperty("cases")[index];
        string[] layers = [.. c.GetProperty("layers").EnumerateArray().Select(e => e.GetString()!)];
        var net = PyTorchSequential.Build<float>(layers, State(c.GetProperty("init_state")));
        float[] x = [.. Doubles(c.GetProperty("X")).Select(v => (float)v)];
        int batch = c.GetProperty("X_shape")[0].GetInt32();
        int[] y = [.. c.GetProperty("y").EnumerateArray().Select(e => e.GetInt32())];
        var optimizer = OptimizerCatalog.Create(c.GetProperty("optimizer").GetString()!.Replace('(', ':').TrimEnd(')'), net.Parameters);
        foreach (double expected in Doubles(c.GetProperty("loss_before_each_step")))
        {
            float loss = net.ComputeGradients(x, batch, y);
            Assert.True(Math.Abs(loss - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"loss {loss} vs {expected}");
            optimizer.Step();
        }

        double[] logits = [.. net.Predict(x, batch).ToArray().Select(v => (double)v)];
        Assert.True(MaxError(logits, Doubles(c.GetProperty("eval_logits_after"))) <= 1e-4);
    }

    /// <summary>"SGD(lr=0.1,momentum=0.9)" → the catalog's "SGD:lr=0.1,momentum=0.9".</summary>
    internal static IOptimizer<double> CreateOptimizer(string text, IReadOnlyList<Parameter<double>> parameters) =>
        OptimizerCatalog.Create(text.Replace('(', ':').TrimEnd(')'), parameters);

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
