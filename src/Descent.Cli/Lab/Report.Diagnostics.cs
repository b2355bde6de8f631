using System.Globalization;
using System.Text;

namespace Descent.Cli.Lab;

/// <summary>The report's diagnostics section: what was recorded, for which optimizers, and the figure.</summary>
internal static partial class Report
{
    private static void DiagnosticsSection(StringBuilder html, MnistRecord mnist, RunFolder folder)
    {
        var runs = mnist.Runs.Where(r => r.Diagnostics is not null).ToList();
        if (runs.Count == 0)
        {
            return;
        }

        int every = runs[0].Diagnostics!.Every;
        html.Append("<h3>Diagnostics</h3>\n<p>")
            .Append(string.Create(CultureInfo.InvariantCulture, $"Every {every} iterations (the first included), per layer: "))
            .Append("the gradient norm ‖g‖ before the update, the norm of the step the update took ‖θ<sub>after</sub> − θ<sub>before</sub>‖, ")
            .Append("its ratio to the weights ‖Δθ‖/‖θ‖, and for adaptive methods the 10/50/90 % quantiles of the per-element effective step ")
            .Append("(η/(√v̂ + ε) for Adam, η/(√s + ε) for AdaGrad and RMSprop, read from the optimizer's state after the step; over a strided sample of 1024 elements in larger layers).");
        if (mnist.Repeats is { Count: > 1 })
        {
            html.Append(string.Create(CultureInfo.InvariantCulture, $" The figure shows seed {mnist.Repeats[0].Seed}; diagnostics.csv holds every seed."));
        }

        html.Append("</p>\n");
        var without = runs.Where(r => r.Diagnostics!.EffectiveStep is not null).ToList();
        if (without.Count > 0)
        {
            html.Append("<p>No effective step (").AppendJoin("; ", without.Select(r => Encode($"{r.Label}: {r.Diagnostics!.EffectiveStep}"))).Append(").</p>\n");
        }

        bool fractions = runs.Any(r => r.Diagnostics!.NonFiniteFraction.Concat(r.Diagnostics!.ClippedFraction).Any(v => v != 0));
        html.Append(fractions
            ? "<p>The last panel gives the fraction of steps whose gradients were skipped as non-finite or clipped, since the previous sample.</p>\n"
            : "<p>No step was skipped for non-finite gradients or clipped (both fractions are 0 throughout).</p>\n");
        Figure(html, folder, "diagnostics");
    }
}
