using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Descent.Optimizers;

namespace Descent.Cli.Verification;

/// <summary>
/// The L-BFGS runs (<c>lbfgs</c> of pytorch/optimizers.json): builds <see cref="Lbfgs{T}"/> from the run's
/// <c>kwargs</c> (PyTorch names, through <see cref="OptimizerCatalog.Lbfgs"/>), minimizes the named test function
/// from <c>start</c> with <c>step(closure)</c>, and compares after every step the point, the returned loss and the
/// cumulative number of closure evaluations (which must match exactly). Always in double: see <see cref="RunOne"/>.
/// </summary>
internal sealed class LbfgsSuite : IGoldenSuite
{
    public string Name => "lbfgs";

    public bool Accepts(string section, JsonElement value) =>
        section == "lbfgs" && value.ValueKind == JsonValueKind.Array;

    public IEnumerable<GoldenResult> Run(string section, JsonElement value, VerifySettings settings)
    {
        foreach (var run in value.EnumerateArray())
        {
            yield return RunOne(run, settings);
        }
    }

    private static GoldenResult RunOne(JsonElement run, VerifySettings settings)
    {
        string function = run.TryGetProperty("function", out var f) ? GoldenRunner.Text(f) : "(no function)";
        string label = $"LBFGS {(run.TryGetProperty("kwargs", out var kwargs) ? GoldenRunner.Describe(kwargs) : string.Empty)} on {function}";
        try
        {
            // Rosenbrock under L-BFGS amplifies rounding: a float run leaves a float64 reference within a few steps
            // (and so would PyTorch's own float32 run), so these runs are checked in double even under --float.
            return Replay<double>(run, settings.Float ? label + " [double: float cannot follow a float64 L-BFGS trajectory]" : label, 1e-10);
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException or NotSupportedException)
        {
            return GoldenResult.Failed(label, GoldenRunner.Reason(ex));
        }
    }

    private static GoldenResult Replay<T>(JsonElement run, string label, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (a, b) = Rosenbrock(run.GetProperty("function").GetString()!);
        var options = run.TryGetProperty("kwargs", out var kwargs)
            ? OptimizerCatalog.Lbfgs.Options(kwargs.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, GoldenRunner.Text(p.Value))))
            : OptimizerCatalog.Lbfgs.Defaults;
        T[] start = [.. run.GetProperty("start").EnumerateArray().Select(v => T.CreateTruncating(v.GetDouble()))];
        if (start.Length != 2)
        {
            throw new ArgumentException($"The Rosenbrock function takes a start point of 2 values; got {start.Length}.");
        }

        var point = new Parameter<T>("xy", start);
        var optimizer = (Lbfgs<T>)OptimizerCatalog.Lbfgs.Create<T>([point], options);
        T ta = T.CreateTruncating(a), tb = T.CreateTruncating(b), two = T.CreateTruncating(2);

        // The gradient rounded as PyTorch's autograd computes it: pow(u, 2) backpropagates 2·u.
        double Closure()
        {
            var v = point.Value.Span;
            var g = point.Gradient.Span;
            T x = v[0], y = v[1];
            T c = y - (x * x);
            T gc = tb * (two * c);
            g[0] = -(two * (ta - x)) + (-gc * (two * x));
            g[1] = gc;
            return double.CreateTruncating(((ta - x) * (ta - x)) + (tb * (c * c)));
        }

        double worst = 0;
        int k = 0;
        foreach (var step in run.GetProperty("steps").EnumerateArray())
        {
            k++;
            double loss = optimizer.Step(Closure);
            worst = Math.Max(worst, GoldenRunner.RelativeError<T>(point.Value.Span, step.GetProperty("x")));
            double expectedLoss = step.GetProperty("loss").GetDouble();
            worst = Math.Max(worst, Math.Abs(loss - expectedLoss) / Math.Max(Math.Abs(expectedLoss), double.Epsilon));
            long evaluations = step.GetProperty("evals").GetInt64();
            if (optimizer.FunctionEvaluations != evaluations)
            {
                return new GoldenResult(label, worst, tolerance,
                    string.Create(CultureInfo.InvariantCulture, $"after step {k} the closure ran {optimizer.FunctionEvaluations} times; PyTorch ran it {evaluations} times"));
            }
        }

        return new GoldenResult(label, worst, tolerance);
    }

    // "rosenbrock a=1 b=100": (a − x)² + b (y − x²)².
    private static (double A, double B) Rosenbrock(string function)
    {
        string[] parts = function.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || !parts[0].Equals("rosenbrock", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"Unknown test function '{function}'; the L-BFGS runs support 'rosenbrock a=<number> b=<number>'.");
        }

        double a = 1, b = 100;
        foreach (string part in parts.Skip(1))
        {
            string[] kv = part.Split('=', 2);
            if (kv.Length != 2 || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
            {
                throw new FormatException($"Cannot read '{part}' in '{function}'; expected a=<number> or b=<number>.");
            }

            switch (kv[0])
            {
                case "a": a = number; break;
                case "b": b = number; break;
                default: throw new FormatException($"Unknown Rosenbrock parameter '{kv[0]}' in '{function}'; expected a or b.");
            }
        }

        return (a, b);
    }
}
