using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Descent.Clipping;

namespace Descent.Cli.Verification;

/// <summary>
/// Gradient clipping (pytorch/schedulers.json <c>clip</c>): <c>clip_grad_norm_</c> cases compare the returned
/// total norm and the clipped gradients, <c>clip_grad_value_</c> cases the clipped gradients.
/// </summary>
internal sealed class ClipSuite : IGoldenSuite
{
    public string Name => "clipping";

    public bool Accepts(string section, JsonElement value) =>
        value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0
        && value[0].ValueKind == JsonValueKind.Object && value[0].TryGetProperty("grads", out _) && value[0].TryGetProperty("clipped", out _);

    public IEnumerable<GoldenResult> Run(string section, JsonElement value, VerifySettings settings)
    {
        foreach (var c in value.EnumerateArray())
        {
            string label = Label(c);
            GoldenResult result;
            try
            {
                result = settings.Float
                    ? new GoldenResult(label + " (float)", Replay<float>(c), 1e-6)
                    : new GoldenResult(label, Replay<double>(c), 1e-12);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or KeyNotFoundException)
            {
                result = GoldenResult.Failed(label, GoldenRunner.Reason(ex));
            }

            yield return result;
        }
    }

    private static string Label(JsonElement c) => c.TryGetProperty("clip_value", out var v)
        ? $"clip_grad_value_ clip_value={GoldenReplay.Text(v)}"
        : $"clip_grad_norm_ max_norm={GoldenReplay.Text(c.GetProperty("max_norm"))}, norm_type={GoldenReplay.Text(c.GetProperty("norm_type"))}";

    private static double Replay<T>(JsonElement c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var grads = c.GetProperty("grads");
        var parameters = new Parameter<T>[grads.GetArrayLength()];
        for (int i = 0; i < parameters.Length; i++)
        {
            T[] g = [.. grads[i].EnumerateArray().Select(x => T.CreateTruncating(x.GetDouble()))];
            parameters[i] = new Parameter<T>("g" + i.ToString(CultureInfo.InvariantCulture), new T[g.Length], g);
        }

        double error = 0;
        if (c.TryGetProperty("clip_value", out var clipValue))
        {
            GradientClipping.ClipByValue(parameters, clipValue.GetDouble());
        }
        else
        {
            double total = GradientClipping.ClipByGlobalNorm(parameters, c.GetProperty("max_norm").GetDouble(), NormType(c.GetProperty("norm_type")));
            double expected = c.GetProperty("total_norm").GetDouble();
            error = Math.Abs(total - expected) / Math.Max(Math.Abs(expected), double.Epsilon);
        }

        var clipped = c.GetProperty("clipped");
        for (int i = 0; i < parameters.Length; i++)
        {
            error = Math.Max(error, GoldenReplay.RelativeError<T>(parameters[i].Gradient.Span, clipped[i]));
        }

        return error;
    }

    private static double NormType(JsonElement value)
    {
        string text = GoldenReplay.Text(value);
        return text is "inf" or "Infinity" ? double.PositiveInfinity : double.Parse(text, CultureInfo.InvariantCulture);
    }
}
