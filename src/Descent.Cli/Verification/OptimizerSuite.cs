using System.Text.Json;
using Descent.Optimizers;

namespace Descent.Cli.Verification;

/// <summary>
/// Optimizer trajectories (<c>cases</c> of pytorch/optimizers.json and files of that schema): builds each
/// case's optimizer through <see cref="OptimizerCatalog"/> from its class name, <c>kwargs</c> and <c>groups</c>,
/// feeds the recorded gradients and compares the parameters after every step (and, where a case records
/// <c>eval_params</c>, the evaluation point after the last step).
/// </summary>
internal sealed class OptimizerSuite() : CaseSuite("optimizers", "cases", "optimizer", "init", "steps")
{
    protected override GoldenResult RunCase(JsonElement c, VerifySettings settings) =>
        settings.Float || (c.TryGetProperty("dtype", out var dtype) && dtype.GetString() == "float32")
            ? GoldenResult.Of(Label(c) + " [float]", 1e-4, () => GoldenReplay.ReplayCase<float>(c))
            : GoldenResult.Of(Label(c), 1e-10, () => GoldenReplay.ReplayCase<double>(c));

    private static string Label(JsonElement c)
    {
        string name = c.TryGetProperty("optimizer", out var o) ? GoldenReplay.Text(o) : "(no optimizer)";
        return $"{name} {Options(c)}".Trim();
    }

    private static string Options(JsonElement c)
    {
        string options = c.TryGetProperty("kwargs", out var kwargs) ? GoldenReplay.Describe(kwargs) : string.Empty;
        if (c.TryGetProperty("groups", out var groups) && groups.ValueKind == JsonValueKind.Array)
        {
            var parts = groups.EnumerateArray().Select(g => "{" + GoldenReplay.Describe(g) + "}");
            options += (options.Length > 0 ? "; " : string.Empty) + "groups " + string.Join(" ", parts);
        }

        return options;
    }
}
