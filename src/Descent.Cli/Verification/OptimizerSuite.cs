using System.Globalization;
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
        string name = c.TryGetProperty("optimizer", out var o) ? GoldenRunner.Text(o) : "(no optimizer)";
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
        string options = c.TryGetProperty("kwargs", out var kwargs) ? GoldenRunner.Describe(kwargs) : string.Empty;
        if (c.TryGetProperty("groups", out var groups) && groups.ValueKind == JsonValueKind.Array)
        {
            var parts = groups.EnumerateArray().Select(g => "{" + GoldenRunner.Describe(g) + "}");
            options += (options.Length > 0 ? "; " : string.Empty) + "groups " + string.Join(" ", parts);
        }

        return options;
    }

    private static IEnumerable<KeyValuePair<string, string>> Pairs(JsonElement obj, string? skip = null) =>
        obj.ValueKind != JsonValueKind.Object ? []
        : obj.EnumerateObject().Where(p => p.Name != skip).Select(p => new KeyValuePair<string, string>(p.Name, GoldenRunner.Text(p.Value)));

    private static double Replay<T>(JsonElement c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Optax's cases name the call with its arguments, optax.lion(learning_rate=0.01,b1=0.9), and have no kwargs.
        var (name, arguments) = OptimizerCatalog.Parse(c.GetProperty("optimizer").GetString()!);
        var info = OptimizerCatalog.Find(name);
        var defaults = info.Options([.. arguments, .. c.TryGetProperty("kwargs", out var kwargs) ? Pairs(kwargs) : []]);
        var init = c.GetProperty("init");
        var shapes = c.TryGetProperty("shapes", out var s) ? s : default;
        var parameters = new Parameter<T>[init.GetArrayLength()];
        for (int k = 0; k < parameters.Length; k++)
        {
            T[] values = [.. init[k].EnumerateArray().Select(v => T.CreateTruncating(v.GetDouble()))];
            int[] shape = shapes.ValueKind == JsonValueKind.Array ? [.. shapes[k].EnumerateArray().Select(d => d.GetInt32())] : [];
            parameters[k] = new Parameter<T>(string.Create(CultureInfo.InvariantCulture, $"p{k}"), values, shape);
        }

        IOptimizer<T>? optimizer = null;
        if (c.TryGetProperty("groups", out var groups) && groups.ValueKind == JsonValueKind.Array)
        {
            foreach (var group in groups.EnumerateArray())
            {
                var members = group.GetProperty("params").EnumerateArray().Select(i => parameters[i.GetInt32()]).ToArray();
                var options = info.With(defaults, Pairs(group, "params"));
                if (optimizer is null)
                {
                    optimizer = info.Create(members, options);
                }
                else
                {
                    optimizer.AddGroup(members, options);
                }
            }
        }

        optimizer ??= info.Create(parameters, defaults);
        double worst = 0;
        foreach (var step in c.GetProperty("steps").EnumerateArray())
        {
            var grads = step.GetProperty("grads");
            for (int k = 0; k < parameters.Length; k++)
            {
                var gradient = parameters[k].Gradient.Span;
                int i = 0;
                foreach (var g in grads[k].EnumerateArray())
                {
                    gradient[i++] = T.CreateTruncating(g.GetDouble());
                }
            }

            optimizer.Step();
            var expected = step.GetProperty("params");
            for (int k = 0; k < parameters.Length; k++)
            {
                worst = Math.Max(worst, GoldenRunner.RelativeError<T>(parameters[k].Value.Span, expected[k]));
            }
        }

        // Schedule-Free cases also record the point to evaluate at (Optax's schedule_free_eval_params) after the last step.
        if (c.TryGetProperty("eval_params", out var evaluation))
        {
            var point = optimizer as IEvaluationPoint<T> ?? throw new InvalidOperationException(
                $"the case records eval_params but {info.Name} has no evaluation point.");
            using (point.UseEvaluationPoint())
            {
                for (int k = 0; k < parameters.Length; k++)
                {
                    worst = Math.Max(worst, GoldenRunner.RelativeError<T>(parameters[k].Value.Span, evaluation[k]));
                }
            }
        }

        return worst;
    }
}
