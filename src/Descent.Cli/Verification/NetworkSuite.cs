using System.Text.Json;

namespace Descent.Cli.Verification;

/// <summary>
/// End-to-end network training (<c>cases</c> of pytorch/networks.json), replayed by
/// <see cref="GoldenReplay.ReplayNetwork{T}"/>: every loss, the final state (running statistics included) and the
/// evaluation logits compared.
/// </summary>
internal sealed class NetworkSuite() : CaseSuite("networks", "cases", "layers", "init_state")
{
    protected override GoldenResult RunCase(JsonElement c, VerifySettings settings) => settings.Float
        ? GoldenResult.Of(Label(c) + " [float]", 1e-4, () => GoldenReplay.ReplayNetwork<float>(c).Max)
        : GoldenResult.Of(Label(c), 1e-10, () => GoldenReplay.ReplayNetwork<double>(c).Max);

    private static string Label(JsonElement c)
    {
        string layers = c.TryGetProperty("layers", out var l) ? string.Join("-", l.EnumerateArray().Select(GoldenReplay.Text)) : "?";
        string optimizer = c.TryGetProperty("optimizer", out var o) ? GoldenReplay.Text(o) : "(no optimizer)";
        return $"network {layers} {optimizer}";
    }
}
