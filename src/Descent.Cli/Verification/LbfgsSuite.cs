using System.Globalization;
using System.Text.Json;
using Descent.Optimizers;

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
            string label = $"LBFGS {GoldenRunner.Describe(run.GetProperty("kwargs"))} on {GoldenRunner.Text(run.GetProperty("function"))}"
                + (settings.Float ? " [double: the recorded evaluation counts need double]" : string.Empty);
            GoldenResult result;
            try
            {
                result = Replay(run, label);
            }
            catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                result = GoldenResult.Failed(label, GoldenRunner.Reason(ex));
            }

            yield return result;
        }
    }

    private static GoldenResult Replay(JsonElement run, string label)
    {
        string function = GoldenRunner.Text(run.GetProperty("function"));
        if (!function.StartsWith("rosenbrock", StringComparison.Ordinal))
        {
            return GoldenResult.Failed(label, $"unknown function '{function}' (known: rosenbrock a=… b=…)");
        }

        var (a, b) = (Coefficient(function, "a", 1), Coefficient(function, "b", 100));
        var info = OptimizerCatalog.Lbfgs;
        var options = (LbfgsOptions)info.Options(run.GetProperty("kwargs").EnumerateObject()
            .Select(p => new KeyValuePair<string, string>(p.Name, GoldenRunner.Text(p.Value))));
        var p = new Parameter<double>("xy", [.. run.GetProperty("start").EnumerateArray().Select(e => e.GetDouble())]);
        var optimizer = new Lbfgs<double>([p], options);
        double worst = 0;
        int k = 0;
        foreach (var step in run.GetProperty("steps").EnumerateArray())
        {
            k++;
            double loss = optimizer.Step(() => Rosenbrock(p, a, b));
            worst = Math.Max(worst, GoldenRunner.RelativeError<double>(p.Value.Span, step.GetProperty("x")));
            double expected = step.GetProperty("loss").GetDouble();
            worst = Math.Max(worst, Math.Abs(loss - expected) / (expected == 0 ? 1 : Math.Abs(expected)));
            long evaluations = step.GetProperty("evals").GetInt64();
            if (optimizer.FunctionEvaluations != evaluations)
            {
                return GoldenResult.Failed(label, string.Create(CultureInfo.InvariantCulture, $"step {k}: {optimizer.FunctionEvaluations} closure evaluations, PyTorch {evaluations}"));
            }
        }

        return new GoldenResult(label, worst, 1e-10);
    }

    // f = (a − x)² + b(y − x²)²; its gradient goes into the parameter, as a closure's backward pass would.
    private static double Rosenbrock(Parameter<double> p, double a, double b)
    {
        var v = p.Value.Span;
        var g = p.Gradient.Span;
        double c = v[1] - (v[0] * v[0]);
        g[0] = (-2 * (a - v[0])) - (4 * b * c * v[0]);
        g[1] = 2 * b * c;
        return ((a - v[0]) * (a - v[0])) + (b * c * c);
    }

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
