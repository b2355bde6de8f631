using System.Text.Json;
using Descent.Optimizers;
using Descent.Schedules;

namespace Descent.Cli.Verification;

/// <summary>
/// Learning-rate schedules (pytorch/schedulers.json <c>cases</c>): each case's <c>scheduler</c> expression is
/// parsed with <see cref="ScheduleExpression"/>, driven on <c>SGD(momentum=0.9)</c> from <c>base_lr</c>, and the
/// rate (and momentum, where recorded) before each step compared; ReduceLROnPlateau is fed the recorded metrics.
/// </summary>
internal sealed class SchedulerSuite : IGoldenSuite
{
    private const double Tolerance = 1e-12;

    public string Name => "schedulers";

    public bool Accepts(string section, JsonElement value) =>
        value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0
        && value[0].ValueKind == JsonValueKind.Object && value[0].TryGetProperty("scheduler", out _)
        && value[0].TryGetProperty("lr_before_each_step", out _);

    public IEnumerable<GoldenResult> Run(string section, JsonElement value, VerifySettings settings)
    {
        foreach (var c in value.EnumerateArray())
        {
            string label = c.TryGetProperty("scheduler", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "scheduler case";
            GoldenResult result;
            try
            {
                result = new GoldenResult(label, Replay(label, c), Tolerance);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or KeyNotFoundException)
            {
                result = GoldenResult.Failed(label, GoldenRunner.Reason(ex));
            }

            yield return result;
        }
    }

    private static double Replay(string expression, JsonElement c)
    {
        var expectedRates = c.GetProperty("lr_before_each_step");
        bool hasMomentum = c.TryGetProperty("momentum_before_each_step", out var expectedMomenta);
        int steps = expectedRates.GetArrayLength();
        var w = new Parameter<double>("w", [1.0, -2.0, 0.5]);
        var sgd = new Sgd<double>([w], new SgdOptions { LearningRate = c.GetProperty("base_lr").GetDouble(), Momentum = 0.9 });
        var rates = new double[steps];
        var momenta = new double[steps];
        Action advance;
        if (c.TryGetProperty("metrics", out var metrics))
        {
            var plateau = new ReduceOnPlateau(sgd, ScheduleExpression.ParsePlateau(expression));
            int t = 0;
            advance = () => plateau.Step(metrics[t++].GetDouble());
        }
        else
        {
            var scheduler = new LearningRateScheduler(sgd, ScheduleExpression.Parse(expression));
            advance = scheduler.Step;
        }

        for (int t = 0; t < steps; t++)
        {
            rates[t] = sgd.Groups[0].LearningRate;
            momenta[t] = sgd.Groups[0].Options.Momentum;
            w.Gradient.Span.Fill(0.25 * (t + 1));
            sgd.Step();
            advance();
        }

        double error = GoldenReplay.RelativeError<double>(rates, expectedRates);
        return hasMomentum ? Math.Max(error, GoldenReplay.RelativeError<double>(momenta, expectedMomenta)) : error;
    }
}
