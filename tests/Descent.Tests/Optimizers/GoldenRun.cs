using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Descent.Optimizers;
using Descent.Testing;

namespace Descent.Tests.Optimizers;

/// <summary>Replays one case of a goldens-schema optimizer file: recorded gradients in, parameters compared after every step.</summary>
internal static class GoldenRun
{
    private static readonly Lazy<JsonDocument> PyTorch = new(() => Goldens.Load("pytorch/optimizers.json"));

    private static readonly Lazy<JsonDocument> Optax = new(() => Goldens.Load("optax/optimizers.json"));

    public static JsonElement Case(int index) => PyTorch.Value.RootElement.GetProperty("cases")[index];

    public static JsonElement OptaxCase(int index) => Optax.Value.RootElement.GetProperty("cases")[index];

    /// <summary>Indices of the Optax cases.</summary>
    public static TheoryData<int> OptaxIndices() => [.. Enumerable.Range(0, Optax.Value.RootElement.GetProperty("cases").GetArrayLength())];

    /// <summary>Indices of every case (L-BFGS's runs are a separate section, replayed by LbfgsTests).</summary>
    public static TheoryData<int> Indices()
    {
        var data = new TheoryData<int>();
        var cases = PyTorch.Value.RootElement.GetProperty("cases");
        for (int i = 0; i < cases.GetArrayLength(); i++)
        {
            data.Add(i);
        }

        return data;
    }

    public static string Describe(JsonElement c) =>
        c.TryGetProperty("kwargs", out var kwargs)
            ? $"{c.GetProperty("optimizer").GetString()} {kwargs.GetRawText()} groups={c.GetProperty("groups").GetRawText()}"
            : c.GetProperty("optimizer").GetString()!;

    public static IEnumerable<KeyValuePair<string, string>> Pairs(JsonElement obj, params string[] skip)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (!skip.Contains(property.Name))
            {
                yield return new(property.Name, property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText());
            }
        }
    }

    /// <summary>Runs the case in <typeparamref name="T"/> and returns the largest relative error over all steps and elements.</summary>
    public static double MaxRelativeError<T>(JsonElement c, Action<IOptimizer<T>>? configure = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (optimizer, parameters) = Build<T>(c);
        configure?.Invoke(optimizer);
        double worst = 0;
        foreach (var step in c.GetProperty("steps").EnumerateArray())
        {
            Feed(parameters, step.GetProperty("grads"));
            optimizer.Step();
            worst = Math.Max(worst, Compare(parameters, step.GetProperty("params")));
        }

        return worst;
    }

    public static (IOptimizer<T> Optimizer, Parameter<T>[] Parameters) Build<T>(JsonElement c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // PyTorch's cases give a class name and kwargs; Optax's give the call, optax.lamb(learning_rate=0.05,...).
        var (name, arguments) = OptimizerCatalog.Parse(c.GetProperty("optimizer").GetString()!);
        var info = OptimizerCatalog.Find(name);
        var defaults = info.Options([.. arguments, .. c.TryGetProperty("kwargs", out var kwargs) ? Pairs(kwargs) : []]);
        var init = c.GetProperty("init");
        var shapes = c.GetProperty("shapes");
        var parameters = new Parameter<T>[init.GetArrayLength()];
        for (int k = 0; k < parameters.Length; k++)
        {
            T[] values = [.. init[k].EnumerateArray().Select(v => T.CreateTruncating(v.GetDouble()))];
            int[] shape = [.. shapes[k].EnumerateArray().Select(d => d.GetInt32())];
            parameters[k] = new Parameter<T>(string.Create(CultureInfo.InvariantCulture, $"p{k}"), values, shape);
        }

        if (!c.TryGetProperty("groups", out var groups) || groups.ValueKind == JsonValueKind.Null)
        {
            return (info.Create(parameters, defaults), parameters);
        }

        IOptimizer<T>? optimizer = null;
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

        return (optimizer!, parameters);
    }

    public static void Feed<T>(Parameter<T>[] parameters, JsonElement grads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int k = 0; k < parameters.Length; k++)
        {
            var span = parameters[k].Gradient.Span;
            int i = 0;
            foreach (var v in grads[k].EnumerateArray())
            {
                span[i++] = T.CreateTruncating(v.GetDouble());
            }
        }
    }

    /// <summary>
    /// Largest relative error per tensor, ‖actual − expected‖∞ / ‖expected‖∞: relative to the tensor's scale, so a
    /// coordinate passing near zero does not turn float rounding into a huge elementwise ratio.
    /// </summary>
    public static double Compare<T>(Parameter<T>[] parameters, JsonElement expected)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double worst = 0;
        for (int k = 0; k < parameters.Length; k++)
        {
            var span = parameters[k].Value.Span;
            double difference = 0, scale = 0;
            int i = 0;
            foreach (var v in expected[k].EnumerateArray())
            {
                double want = v.GetDouble();
                double got = double.CreateTruncating(span[i++]);
                difference = double.IsNaN(got) ? double.PositiveInfinity : Math.Max(difference, Math.Abs(got - want));
                scale = Math.Max(scale, Math.Abs(want));
            }

            worst = Math.Max(worst, scale == 0 ? difference : difference / scale);
        }

        return worst;
    }
}
