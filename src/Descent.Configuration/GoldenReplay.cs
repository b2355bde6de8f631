using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Descent.Optimizers;

namespace Descent.Configuration;

/// <summary>
/// Replays reference runs of the goldens schema (tests/goldens/README.md), for the tests and <c>descent verify</c>
/// alike, one piece of code per format: optimizer <c>cases</c> (recorded gradients in, parameters compared after every
/// step and, where recorded, the evaluation point after the last) and L-BFGS runs on Rosenbrock here; schedules,
/// clipping, networks and the book's trajectories in the other parts of this class. It lives here because a case names
/// its optimizer or schedule in the specification syntax this assembly reads, and both the CLI and the tests already
/// reference it while the core library does not.
/// </summary>
internal static partial class GoldenReplay
{
    /// <summary>The case's parameters <c>p0, p1, …</c> from <c>init</c>, shaped by <c>shapes</c> when present.</summary>
    public static Parameter<T>[] Parameters<T>(JsonElement c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var init = c.GetProperty("init");
        var shapes = c.TryGetProperty("shapes", out var s) ? s : default;
        var parameters = new Parameter<T>[init.GetArrayLength()];
        for (int k = 0; k < parameters.Length; k++)
        {
            T[] values = [.. init[k].EnumerateArray().Select(v => T.CreateTruncating(v.GetDouble()))];
            int[] shape = shapes.ValueKind == JsonValueKind.Array ? [.. shapes[k].EnumerateArray().Select(d => d.GetInt32())] : [];
            parameters[k] = new Parameter<T>(string.Create(CultureInfo.InvariantCulture, $"p{k}"), values, shape);
        }

        return parameters;
    }

    /// <summary>
    /// The case's optimizer through <see cref="OptimizerCatalog"/>: PyTorch's cases give a class name, <c>kwargs</c> and
    /// <c>groups</c>; Optax's give the call, <c>optax.lion(learning_rate=0.01,b1=0.9)</c>.
    /// </summary>
    public static IOptimizer<T> Optimizer<T>(JsonElement c, Parameter<T>[] parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (name, arguments) = OptimizerCatalog.Parse(c.GetProperty("optimizer").GetString()!);
        var info = OptimizerCatalog.Find(name);
        var defaults = info.Options([.. arguments, .. c.TryGetProperty("kwargs", out var kwargs) ? Pairs(kwargs) : []]);
        if (!c.TryGetProperty("groups", out var groups) || groups.ValueKind != JsonValueKind.Array)
        {
            return info.Create(parameters, defaults);
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

        return optimizer ?? info.Create(parameters, defaults);
    }

    /// <summary>Replays one optimizer case in <typeparamref name="T"/>: its parameters, its optimizer, every recorded step.</summary>
    /// <param name="c">The case.</param>
    /// <param name="configure">Changes the optimizer before the first step (a test choosing a kernel path), or <see langword="null"/>.</param>
    /// <returns>The largest relative error, as <see cref="Replay{T}(JsonElement, IOptimizer{T}, Parameter{T}[])"/>.</returns>
    public static double ReplayCase<T>(JsonElement c, Action<IOptimizer<T>>? configure = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var parameters = Parameters<T>(c);
        var optimizer = Optimizer(c, parameters);
        configure?.Invoke(optimizer);
        return Replay(c, optimizer, parameters);
    }

    /// <summary>
    /// Feeds every recorded step's gradients to <paramref name="optimizer"/> and returns the largest relative error of
    /// the parameters after each step, and of the evaluation point (<c>eval_params</c>) where the case records one.
    /// </summary>
    public static double Replay<T>(JsonElement c, IOptimizer<T> optimizer, Parameter<T>[] parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double worst = 0;
        foreach (var step in c.GetProperty("steps").EnumerateArray())
        {
            Feed(parameters, step.GetProperty("grads"));
            optimizer.Step();
            worst = Math.Max(worst, RelativeError(parameters, step.GetProperty("params")));
        }

        // Schedule-Free cases also record the point to evaluate at (Optax's schedule_free_eval_params) after the last step.
        if (c.TryGetProperty("eval_params", out var evaluation))
        {
            var point = optimizer as IEvaluationPoint<T> ?? throw new InvalidOperationException(
                $"the case records eval_params but {optimizer.GetType().Name.Split('`')[0]} has no evaluation point.");
            using (point.UseEvaluationPoint())
            {
                worst = Math.Max(worst, RelativeError(parameters, evaluation));
            }
        }

        return worst;
    }

    /// <summary>Copies one step's recorded gradients into the parameters' gradient buffers.</summary>
    public static void Feed<T>(Parameter<T>[] parameters, JsonElement grads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int k = 0; k < parameters.Length; k++)
        {
            var gradient = parameters[k].Gradient.Span;
            int i = 0;
            foreach (var g in grads[k].EnumerateArray())
            {
                gradient[i++] = T.CreateTruncating(g.GetDouble());
            }
        }
    }

    /// <summary>The largest <see cref="RelativeError{T}(ReadOnlySpan{T}, JsonElement)"/> over the parameters.</summary>
    public static double RelativeError<T>(Parameter<T>[] parameters, JsonElement expected)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double worst = 0;
        for (int k = 0; k < parameters.Length; k++)
        {
            worst = Math.Max(worst, RelativeError<T>(parameters[k].Value.Span, expected[k]));
        }

        return worst;
    }

    /// <summary>
    /// ‖actual − expected‖∞ / ‖expected‖∞ per tensor: relative to the tensor's scale, so a coordinate passing near zero
    /// does not turn float rounding into a huge elementwise ratio (absolute when the expected tensor is all zero; NaN
    /// and a length mismatch count as infinite).
    /// </summary>
    public static double RelativeError<T>(ReadOnlySpan<T> actual, JsonElement expected)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (expected.GetArrayLength() != actual.Length)
        {
            return double.PositiveInfinity;
        }

        double difference = 0, scale = 0;
        int i = 0;
        foreach (var v in expected.EnumerateArray())
        {
            double want = v.GetDouble();
            double got = double.CreateTruncating(actual[i++]);
            difference = double.IsNaN(got) ? double.PositiveInfinity : Math.Max(difference, Math.Abs(got - want));
            scale = Math.Max(scale, Math.Abs(want));
        }

        return scale == 0 ? difference : difference / scale;
    }

    /// <summary>
    /// Replays one <c>lbfgs</c> run: L-BFGS with the run's <c>kwargs</c> on Rosenbrock from <c>start</c>; after every
    /// <c>step(closure)</c> the position and the returned loss are compared, and the cumulative number of closure
    /// evaluations must be PyTorch's.
    /// </summary>
    /// <returns>The largest relative error of position and loss.</returns>
    /// <exception cref="InvalidOperationException">An unknown function, or a step that evaluated the closure a different number of times.</exception>
    public static double ReplayLbfgs(JsonElement run)
    {
        string function = Text(run.GetProperty("function"));
        if (!function.StartsWith("rosenbrock", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"unknown function '{function}' (known: rosenbrock a=… b=…)");
        }

        var (a, b) = (Coefficient(function, "a", 1), Coefficient(function, "b", 100));
        var info = OptimizerCatalog.Lbfgs;
        var p = new Parameter<double>("xy", [.. run.GetProperty("start").EnumerateArray().Select(e => e.GetDouble())]);
        var optimizer = new Lbfgs<double>([p], (LbfgsOptions)info.Options(Pairs(run.GetProperty("kwargs"))));
        double worst = 0;
        int k = 0;
        foreach (var step in run.GetProperty("steps").EnumerateArray())
        {
            k++;
            double loss = optimizer.Step(() => Rosenbrock(p, a, b));
            worst = Math.Max(worst, RelativeError<double>(p.Value.Span, step.GetProperty("x")));
            double expected = step.GetProperty("loss").GetDouble();
            worst = Math.Max(worst, Math.Abs(loss - expected) / (expected == 0 ? 1 : Math.Abs(expected)));
            long evaluations = step.GetProperty("evals").GetInt64();
            if (optimizer.FunctionEvaluations != evaluations)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"step {k}: {optimizer.FunctionEvaluations} closure evaluations, PyTorch {evaluations}"));
            }
        }

        return worst;
    }

    /// <summary>
    /// f = (a − x)² + b(y − x²)², its gradient written into the parameter as a closure's backward pass would, rounded
    /// the way PyTorch's autograd computes it: pow(u, 2) backpropagates 2·u, so ∂/∂y = b·(2c) and
    /// ∂/∂x = −2(a − x) + (−b·(2c))·(2x) with c = y − x².
    /// </summary>
    public static double Rosenbrock(Parameter<double> p, double a = 1, double b = 100)
    {
        ArgumentNullException.ThrowIfNull(p);
        var v = p.Value.Span;
        var g = p.Gradient.Span;
        double x = v[0];
        double c = v[1] - (x * x);
        double gc = b * (2 * c);
        g[0] = -(2 * (a - x)) + (-gc * (2 * x));
        g[1] = gc;
        return ((a - x) * (a - x)) + (b * (c * c));
    }

    /// <summary>The name/value pairs of a JSON object as option text, but for the keys in <paramref name="skip"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Pairs(JsonElement obj, params string[] skip) =>
        obj.ValueKind != JsonValueKind.Object ? []
        : obj.EnumerateObject().Where(p => !skip.Contains(p.Name)).Select(p => new KeyValuePair<string, string>(p.Name, Text(p.Value)));

    /// <summary>Formats a key/value JSON object as <c>key=value, ...</c>.</summary>
    public static string Describe(JsonElement options) =>
        options.ValueKind != JsonValueKind.Object ? string.Empty
        : string.Join(", ", options.EnumerateObject().Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name}={Text(p.Value)}")));

    /// <summary>A JSON value as option text: strings unquoted, everything else as written.</summary>
    public static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };

    private static double Coefficient(string function, string name, double fallback)
    {
        foreach (string part in function.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith(name + "=", StringComparison.Ordinal))
            {
                return double.Parse(part[(name.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return fallback;
    }
}
