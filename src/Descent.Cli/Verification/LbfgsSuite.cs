using System.Text.Json;

namespace Descent.Cli.Verification;

/// <summary>
/// The <c>lbfgs</c> runs of pytorch/optimizers.json: L-BFGS (options from <c>kwargs</c>) on the Rosenbrock
/// function from <c>start</c>; after every <c>step(closure)</c> the position, the returned loss and the cumulative
/// number of closure evaluations must match.
/// </summary>
internal sealed class LbfgsSuite : IGoldenSuite
{
    public string Name => "lbfgs";

    public bool Accepts(string section, JsonElement value) => section == "lbfgs" && value.ValueKind == JsonValueKind.Array;

    public IEnumerable<GoldenResult> Run(string section, JsonElement value, VerifySettings settings) =>
        value.EnumerateArray().Select(run => GoldenResult.Of(
            $"LBFGS {GoldenReplay.Describe(run.GetProperty("kwargs"))} on {GoldenReplay.Text(run.GetProperty("function"))}"
                + (settings.Float ? " [double: the recorded evaluation counts need double]" : string.Empty),
            1e-10,
            () => GoldenReplay.ReplayLbfgs(run)));
}
