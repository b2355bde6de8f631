using System.Globalization;
using System.Numerics;
using System.Text;
using Descent.Training;

namespace Descent.Cli.Lab;

/// <summary>
/// One run's <see cref="TrainingDiagnostics{T}"/>, as saved in <c>run.json</c>: per layer, one value per logged
/// iteration (<see cref="Iterations"/>). The effective-step quantiles are null for an optimizer without a
/// per-element rate, and <see cref="EffectiveStep"/> says why.
/// </summary>
internal sealed class DiagnosticsRecord
{
    /// <summary>The logging interval in iterations.</summary>
    public int Every { get; set; }

    public List<string> Layers { get; set; } = [];

    /// <summary>The 0-based iterations logged (as in losses.csv).</summary>
    public long[] Iterations { get; set; } = [];

    /// <summary>[layer][sample] ‖g‖ before clipping.</summary>
    public List<double[]> GradientNorm { get; set; } = [];

    /// <summary>[layer][sample] ‖θ_after − θ_before‖.</summary>
    public List<double[]> UpdateNorm { get; set; } = [];

    /// <summary>[layer][sample] ‖θ_after − θ_before‖ / ‖θ_before‖.</summary>
    public List<double[]> UpdateRatio { get; set; } = [];

    public List<double[]>? EffectiveStepP10 { get; set; }

    public List<double[]>? EffectiveStepP50 { get; set; }

    public List<double[]>? EffectiveStepP90 { get; set; }

    /// <summary>Null when the quantiles are recorded; otherwise why not ("n/a: SGD has no per-element rate").</summary>
    public string? EffectiveStep { get; set; }

    /// <summary>Per sample: skipped (non-finite) steps as a fraction of the steps since the previous sample.</summary>
    public double[] NonFiniteFraction { get; set; } = [];

    /// <summary>Per sample: clipped steps as a fraction of the same steps.</summary>
    public double[] ClippedFraction { get; set; } = [];

    /// <summary>The quantities of diagnostics.csv, in its order: name, per-layer values (null: the run-wide fractions).</summary>
    public IEnumerable<(string Quantity, List<double[]>? PerLayer, double[]? Overall)> Quantities()
    {
        yield return ("gradient_norm", GradientNorm, null);
        yield return ("update_norm", UpdateNorm, null);
        yield return ("update_ratio", UpdateRatio, null);
        if (EffectiveStepP10 is not null)
        {
            yield return ("effective_step_p10", EffectiveStepP10, null);
            yield return ("effective_step_p50", EffectiveStepP50, null);
            yield return ("effective_step_p90", EffectiveStepP90, null);
        }

        yield return ("nonfinite_fraction", null, NonFiniteFraction);
        yield return ("clipped_fraction", null, ClippedFraction);
    }

    /// <summary>The observer's samples, transposed to one array per layer and quantity.</summary>
    public static DiagnosticsRecord From<T>(TrainingDiagnostics<T> diagnostics, string optimizerName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var samples = diagnostics.Samples;
        int layers = diagnostics.Layers.Count;
        List<double[]> PerLayer(Func<DiagnosticsSample, double[]?> pick) =>
            [.. Enumerable.Range(0, layers).Select(l => samples.Select(s => pick(s)?[l] ?? double.NaN).ToArray())];
        return new DiagnosticsRecord
        {
            Every = diagnostics.Every,
            Layers = [.. diagnostics.Layers],
            Iterations = [.. samples.Select(s => s.Index)],
            GradientNorm = PerLayer(s => s.GradientNorm),
            UpdateNorm = PerLayer(s => s.UpdateNorm),
            UpdateRatio = PerLayer(s => s.UpdateRatio),
            EffectiveStepP10 = diagnostics.HasEffectiveStep ? PerLayer(s => s.StepP10) : null,
            EffectiveStepP50 = diagnostics.HasEffectiveStep ? PerLayer(s => s.StepP50) : null,
            EffectiveStepP90 = diagnostics.HasEffectiveStep ? PerLayer(s => s.StepP90) : null,
            EffectiveStep = diagnostics.HasEffectiveStep ? null : $"n/a: {optimizerName} keeps no per-element adaptive rate",
            NonFiniteFraction = [.. samples.Select(s => s.NonFiniteFraction)],
            ClippedFraction = [.. samples.Select(s => s.ClippedFraction)],
        };
    }

    /// <summary>
    /// diagnostics.csv in long form, one value per line: optimizer, seed, iteration, layer ("all" for the run-wide
    /// fractions), quantity, value. An optimizer without an adaptive rate has no effective_step rows.
    /// </summary>
    public static string Csv(MnistRecord mnist, long? seed, Func<string, string> quote)
    {
        var csv = new StringBuilder("optimizer,seed,iteration,layer,quantity,value\n");
        var seeds = mnist.Repeats?.Select(r => ((long?)r.Seed, r.Runs)) ?? [(seed, mnist.Runs)];
        foreach (var (s, runs) in seeds)
        {
            string seedText = s?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
            foreach (var run in runs)
            {
                if (run.Diagnostics is not { } d)
                {
                    continue;
                }

                foreach (var (quantity, perLayer, overall) in d.Quantities())
                {
                    for (int k = 0; k < d.Iterations.Length; k++)
                    {
                        string prefix = string.Create(CultureInfo.InvariantCulture, $"{quote(run.Label)},{seedText},{d.Iterations[k]},");
                        if (overall is not null)
                        {
                            csv.Append(prefix).Append("all,").Append(quantity).Append(',').Append(R(overall[k])).Append('\n');
                            continue;
                        }

                        for (int l = 0; l < d.Layers.Count; l++)
                        {
                            csv.Append(prefix).Append(quote(d.Layers[l])).Append(',').Append(quantity).Append(',').Append(R(perLayer![l][k])).Append('\n');
                        }
                    }
                }
            }
        }

        return csv.ToString();
    }

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
