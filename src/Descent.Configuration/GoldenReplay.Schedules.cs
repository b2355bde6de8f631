using System.Text.Json;
using Descent.Optimizers;
using Descent.Schedules;

namespace Descent.Configuration;

/// <summary>Scheduler cases of pytorch/schedulers.json.</summary>
internal static partial class GoldenReplay
{
    /// <summary>
    /// Replays one scheduler case: its <c>scheduler</c> expression drives <c>SGD(momentum=0.9)</c> from <c>base_lr</c>,
    /// as the reference run did, and the rate and momentum in force before each step are recorded; ReduceLROnPlateau
    /// is fed the case's <c>metrics</c>.
    /// </summary>
    /// <param name="c">The case.</param>
    /// <param name="chained">Step through PyTorch's chainable form (<see cref="ChainedSchedule"/>) instead of the closed form; ReduceLROnPlateau has one form.</param>
    /// <returns>The rate and the momentum before each recorded step.</returns>
    public static (double[] Rates, double[] Momenta) ReplaySchedule(JsonElement c, bool chained = false)
    {
        string expression = c.GetProperty("scheduler").GetString() ?? string.Empty;
        int steps = c.GetProperty("lr_before_each_step").GetArrayLength();
        var w = new Parameter<double>("w", [1.0, -2.0, 0.5]);
        var sgd = new Sgd<double>([w], new SgdOptions { LearningRate = c.GetProperty("base_lr").GetDouble(), Momentum = 0.9 });
        Action<int> advance;
        if (c.TryGetProperty("metrics", out var metrics))
        {
            var plateau = new ReduceOnPlateau(sgd, ScheduleExpression.ParsePlateau(expression));
            advance = t => plateau.Step(metrics[t].GetDouble());
        }
        else
        {
            var schedule = ScheduleExpression.Parse(expression);
            var scheduler = new LearningRateScheduler(sgd, chained ? new ChainedSchedule(schedule) : schedule);
            advance = _ => scheduler.Step();
        }

        var rates = new double[steps];
        var momenta = new double[steps];
        for (int t = 0; t < steps; t++)
        {
            rates[t] = sgd.Groups[0].LearningRate;
            momenta[t] = sgd.Groups[0].Options.Momentum;
            w.Gradient.Span.Fill(0.25 * (t + 1));
            sgd.Step();
            advance(t);
        }

        return (rates, momenta);
    }

    /// <summary>The largest relative error of a scheduler case's closed-form rates, and of its momenta where it records them.</summary>
    /// <param name="c">The case.</param>
    /// <returns>The error.</returns>
    public static double ScheduleError(JsonElement c)
    {
        var (rates, momenta) = ReplaySchedule(c);
        double error = RelativeError<double>(rates, c.GetProperty("lr_before_each_step"));
        return c.TryGetProperty("momentum_before_each_step", out var expected)
            ? Math.Max(error, RelativeError<double>(momenta, expected))
            : error;
    }
}
