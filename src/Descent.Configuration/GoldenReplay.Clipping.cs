using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Descent.Clipping;

namespace Descent.Configuration;

/// <summary>Clipping cases of pytorch/schedulers.json.</summary>
internal static partial class GoldenReplay
{
    /// <summary>A clipping case as PyTorch calls it, e.g. <c>clip_grad_norm_ max_norm=0.5, norm_type=inf</c>.</summary>
    /// <param name="c">The case.</param>
    /// <returns>The label.</returns>
    public static string ClipLabel(JsonElement c) => c.TryGetProperty("clip_value", out var v)
        ? $"clip_grad_value_ clip_value={Text(v)}"
        : $"clip_grad_norm_ max_norm={Text(c.GetProperty("max_norm"))}, norm_type={Text(c.GetProperty("norm_type"))}";

    /// <summary>
    /// Replays one clipping case in <typeparamref name="T"/>: <c>clip_grad_value_</c> (a <c>clip_value</c>) or
    /// <c>clip_grad_norm_</c> (<c>max_norm</c>, <c>norm_type</c>) on the case's <c>grads</c>.
    /// </summary>
    /// <param name="c">The case.</param>
    /// <returns>The largest relative error of the clipped gradients and, for the norm, of the returned total norm.</returns>
    public static double ReplayClip<T>(JsonElement c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var grads = c.GetProperty("grads");
        var parameters = new Parameter<T>[grads.GetArrayLength()];
        for (int i = 0; i < parameters.Length; i++)
        {
            T[] g = [.. grads[i].EnumerateArray().Select(x => T.CreateTruncating(x.GetDouble()))];
            parameters[i] = new Parameter<T>(string.Create(CultureInfo.InvariantCulture, $"g{i}"), new T[g.Length], g);
        }

        double error = 0;
        if (c.TryGetProperty("clip_value", out var clipValue))
        {
            GradientClipping.ClipByValue(parameters, clipValue.GetDouble());
        }
        else
        {
            string type = Text(c.GetProperty("norm_type"));
            double normType = type is "inf" or "Infinity" ? double.PositiveInfinity : double.Parse(type, CultureInfo.InvariantCulture);
            double total = GradientClipping.ClipByGlobalNorm(parameters, c.GetProperty("max_norm").GetDouble(), normType);
            double expected = c.GetProperty("total_norm").GetDouble();
            error = Math.Abs(total - expected) / Math.Max(Math.Abs(expected), double.Epsilon);
        }

        var clipped = c.GetProperty("clipped");
        for (int i = 0; i < parameters.Length; i++)
        {
            error = Math.Max(error, RelativeError<T>(parameters[i].Gradient.Span, clipped[i]));
        }

        return error;
    }
}
