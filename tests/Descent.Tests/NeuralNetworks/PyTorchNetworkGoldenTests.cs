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
    private const double Tolerance = 1e-14;

    private static readonly Lazy<JsonDocument> Golden = new(() => Goldens.Load("pytorch/networks.json"));

    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, Golden.Value.RootElement.GetProperty("cases").GetArrayLength())];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Training_MatchesPyTorch(int index)
    {
        var c = Golden.Value.RootElement.GetProperty("cases")[index];
        var errors = GoldenReplay.ReplayNetwork<double>(c);
        output.WriteLine($"case {index} ({c.GetProperty("arch")}, {c.GetProperty("optimizer")}): loss {errors.Loss:E1}, state {errors.State:E1}, logits {errors.Logits:E1}");

        // BatchNorm computes in PyTorch's CPU kernel order (BatchNormArithmetic.PyTorch), so every case agrees to a few
        // ulps (measured: ≤ 5.5e-16, the BatchNorm case 3.3e-16); 1e-14 leaves room for summation-order noise only.
        Assert.True(errors.Loss <= Tolerance, $"loss error {errors.Loss:E2}");
        Assert.True(errors.State <= Tolerance, $"final state error {errors.State:E2}");
        Assert.True(errors.Logits <= Tolerance, $"eval logits error {errors.Logits:E2}");
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
