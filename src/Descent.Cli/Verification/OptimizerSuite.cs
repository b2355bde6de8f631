using System.Numerics;
using System.Text.Json;
using Descent.Optimizers;

namespace Descent.Cli.Verification;

/// <summary>
/// Optimizer trajectories (<c>cases</c> of pytorch/optimizers.json and files of that schema): builds each
/// case's optimizer through <see cref="OptimizerCatalog"/> from its class name, <c>kwargs</c> and <c>groups</c>,
/// feeds the recorded gradients and compares the parameters after every step (and, where a case records
/// <c>eval_params</c>, the evaluation point after the last step).
/// </summary>
internal sealed class OptimizerSuite : IGoldenSuite
{
    public string Name => "optimizers";

    public bool Accepts(string section, JsonElement value) =>
        section == "cases" && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0
        && value[0].ValueKind == JsonValueKind.Object
        && value[0].TryGetProperty("optimizer", out _) && value[0].TryGetProperty("init", out _) && value[0].TryGetProperty("steps", out _);

    public IEnumerable<GoldenResult> Run(string section, JsonElement value, VerifySettings settings)
    {
        foreach (var c in value.EnumerateArray())
        {
            yield return RunCase(c, settings);
        }
    }

    private static GoldenResult RunCase(JsonElement c, VerifySettings settings)
    {
        string name = c.TryGetProperty("optimizer", out var o) ? GoldenReplay.Text(o) : "(no optimizer)";
        string label = $"{name} {Options(c)}".Trim();
        bool single = settings.Float || (c.TryGetProperty("dtype", out var dtype) && dtype.GetString() == "float32");
        try
        {
            double error = single ? Replay<float>(c) : Replay<double>(c);
            return new GoldenResult(single ? label + " [float]" : label, error, single ? 1e-4 : 1e-10);
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException or NotSupportedException)
        {
            return GoldenResult.Failed(label, GoldenRunner.Reason(ex));
        }
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

    private static double Replay<T>(JsonElement c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var parameters = GoldenReplay.Parameters<T>(c);
        return GoldenReplay.Replay(c, GoldenReplay.Optimizer(c, parameters), parameters);
    }
}
