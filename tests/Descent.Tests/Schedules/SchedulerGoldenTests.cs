using System.Text.Json;
using Descent.Optimizers;
using Descent.Schedules;
using Descent.Testing;
using Xunit.Abstractions;

namespace Descent.Tests.Schedules;

/// <summary>Every case of pytorch/schedulers.json: the rate (and momentum) before each of the 60 steps.</summary>
public class SchedulerGoldenTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-12;

    public static TheoryData<string> Cases()
    {
        using var doc = Goldens.Load("pytorch/schedulers.json");
        var data = new TheoryData<string>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("scheduler").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ClosedForm_MatchesPyTorch_ForEveryStep(string scheduler)
    {
        var golden = Case(scheduler);
        var (rates, momenta) = Run(golden, chained: false);
        double rateError = MaxError(rates, golden.Rates);
        output.WriteLine($"{scheduler}: max |lr − PyTorch| = {rateError:E2}");
        Assert.True(rateError <= Tolerance, $"lr differs by {rateError:E3}");
        if (golden.Momenta is not null)
        {
            double momentumError = MaxError(momenta, golden.Momenta);
            output.WriteLine($"max |momentum − PyTorch| = {momentumError:E2}");
            Assert.True(momentumError <= Tolerance, $"momentum differs by {momentumError:E3}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ChainableForm_ReproducesPyTorchBitForBit(string scheduler)
    {
        var golden = Case(scheduler);
        if (golden.Metrics is not null)
        {
            return; // ReduceLROnPlateau has one form, checked above.
        }

        var (rates, momenta) = Run(golden, chained: true);
        Assert.Equal(golden.Rates, rates);
        if (golden.Momenta is not null)
        {
            Assert.Equal(golden.Momenta, momenta);
        }
    }

    internal static GoldenCase Case(string scheduler)
    {
        using var doc = Goldens.Load("pytorch/schedulers.json");
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            if (c.GetProperty("scheduler").GetString() == scheduler)
            {
                return new GoldenCase(
                    scheduler,
                    c.GetProperty("base_lr").GetDouble(),
                    Doubles(c.GetProperty("lr_before_each_step")),
                    c.TryGetProperty("momentum_before_each_step", out var m) ? Doubles(m) : null,
                    c.TryGetProperty("metrics", out var metrics) ? Doubles(metrics) : null);
            }
        }

        throw new InvalidOperationException($"No case {scheduler}.");
    }

    private static (double[] Rates, double[] Momenta) Run(GoldenCase golden, bool chained)
    {
        var w = new Parameter<double>("w", [1.0, -2.0, 0.5]);
        var sgd = new Sgd<double>([w], new SgdOptions { LearningRate = golden.BaseRate, Momentum = 0.9 });
        int steps = golden.Rates.Length;
        var rates = new double[steps];
        var momenta = new double[steps];
        if (golden.Metrics is { } metrics)
        {
            var plateau = new ReduceOnPlateau(sgd, ScheduleExpression.ParsePlateau(golden.Scheduler));
            for (int t = 0; t < steps; t++)
            {
                Record(t);
                plateau.Step(metrics[t]);
            }

            return (rates, momenta);
        }

        var schedule = ScheduleExpression.Parse(golden.Scheduler);
        var scheduler = new LearningRateScheduler(sgd, chained ? new ChainedSchedule(schedule) : schedule);
        for (int t = 0; t < steps; t++)
        {
            Record(t);
            scheduler.Step();
        }

        return (rates, momenta);

        void Record(int t)
        {
            rates[t] = sgd.Groups[0].LearningRate;
            momenta[t] = sgd.Groups[0].Options.Momentum;
            w.Gradient.Span.Fill(0.25 * (t + 1));
            sgd.Step();
        }
    }

    private static double MaxError(double[] actual, double[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
        }

        return worst;
    }

    private static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetDouble())];

    internal sealed record GoldenCase(string Scheduler, double BaseRate, double[] Rates, double[]? Momenta, double[]? Metrics);
}
