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

    public IEnumerable<GoldenResult> Run(string section, JsonElement value, VerifySettings settings)
    {
        foreach (var run in value.EnumerateArray())
        {
            string label = $"LBFGS {GoldenReplay.Describe(run.GetProperty("kwargs"))} on {GoldenReplay.Text(run.GetProperty("function"))}"
                + (settings.Float ? " [double: the recorded evaluation counts need double]" : string.Empty);
            GoldenResult result;
            try
            {
                result = new GoldenResult(label, GoldenReplay.ReplayLbfgs(run), 1e-10);
            }
            catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                result = GoldenResult.Failed(label, GoldenRunner.Reason(ex));
            }

            yield return result;
        }
    }
}
