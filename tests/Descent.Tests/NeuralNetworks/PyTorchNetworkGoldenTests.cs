using System.Text.Json;
using Descent.Testing;
using Xunit.Abstractions;

namespace Descent.Tests.NeuralNetworks;

/// <summary>
/// End-to-end training against PyTorch 2.11 (pytorch/networks.json): losses, final state, eval logits, replayed by the
/// replayer <c>descent verify</c> uses too (<see cref="GoldenReplay.ReplayNetwork{T}"/>).
/// </summary>
public class PyTorchNetworkGoldenTests(ITestOutputHelper output)
{
    private static readonly Lazy<JsonDocument> Golden = new(() => Goldens.Load("pytorch/networks.json"));

    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, Golden.Value.RootElement.GetProperty("cases").GetArrayLength())];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Training_MatchesPyTorch(int index)
    {
        var c = Golden.Value.RootElement.GetProperty("cases")[index];
        var errors = GoldenReplay.ReplayNetwork<double>(c);
        output.WriteLine($"case {index} ({c.GetProperty("arch")}, {c.GetProperty("optimizer")}): loss {errors.Loss:E1}, state {errors.State:E1}, logits {errors.Logits:E1}");

        // ≤ 1e-11 everywhere (BatchNorm included, in PyTorch's CPU operation order); the cases agree to ~5e-16 today.
        Assert.True(errors.Loss <= 1e-11, $"loss error {errors.Loss:E2}");
        Assert.True(errors.State <= 1e-11, $"final state error {errors.State:E2}");
        Assert.True(errors.Logits <= 1e-11, $"eval logits error {errors.Logits:E2}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TrainingInFloat_StaysWithinFloatPrecisionOfPyTorch(int index)
    {
        var errors = GoldenReplay.ReplayNetwork<float>(Golden.Value.RootElement.GetProperty("cases")[index]);
        Assert.True(errors.Loss <= 1e-4, $"loss error {errors.Loss:E2}");
        Assert.True(errors.Logits <= 1e-4, $"eval logits error {errors.Logits:E2}");
    }
}
