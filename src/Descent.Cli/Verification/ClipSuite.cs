using System.Text.Json;

namespace Descent.Cli.Verification;

/// <summary>
/// Gradient clipping (pytorch/schedulers.json <c>clip</c>), replayed by <see cref="GoldenReplay.ReplayClip{T}"/>:
/// <c>clip_grad_norm_</c> cases compare the returned total norm and the clipped gradients, <c>clip_grad_value_</c>
/// cases the clipped gradients.
/// </summary>
internal sealed class ClipSuite() : CaseSuite("clipping", null, "grads", "clipped")
{
    protected override GoldenResult RunCase(JsonElement c, VerifySettings settings) => settings.Float
        ? GoldenResult.Of(Label(c) + " (float)", 1e-6, () => GoldenReplay.ReplayClip<float>(c))
        : GoldenResult.Of(Label(c), 1e-12, () => GoldenReplay.ReplayClip<double>(c));

    // A case too broken to name still gets a line of its own (with the reason) rather than ending the run.
    private static string Label(JsonElement c)
    {
        try
        {
            return GoldenReplay.ClipLabel(c);
        }
        catch (KeyNotFoundException)
        {
            return "clip case";
        }
    }
}
