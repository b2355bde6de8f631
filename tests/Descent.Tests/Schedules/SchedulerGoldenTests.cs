using System.Text.Json;
using Descent.Testing;
using Xunit.Abstractions;

namespace Descent.Tests.Schedules;

/// <summary>
/// Every case of pytorch/schedulers.json: the rate (and momentum) before each of the 60 steps, replayed by the
/// replayer <c>descent verify</c> uses too (<see cref="GoldenReplay.ReplaySchedule"/>).
/// </summary>
public class SchedulerGoldenTests(ITestOutputHelper output)
{
    private static readonly Lazy<JsonDocument> Golden = new(() => Goldens.Load("pytorch/schedulers.json"));

    public static TheoryData<string> Cases() => [.. Golden.Value.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("scheduler").GetString()!)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void ClosedForm_MatchesPyTorch_ForEveryStep(string scheduler)
    {
        double error = GoldenReplay.ScheduleError(Case(scheduler));
        output.WriteLine($"{scheduler}: max relative error of lr and momentum = {error:E2}");
        Assert.True(error <= 1e-12, $"differs by {error:E3}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ChainableForm_ReproducesPyTorchBitForBit(string scheduler)
    {
        var c = Case(scheduler);
        if (c.TryGetProperty("metrics", out _))
        {
            return; // ReduceLROnPlateau has one form, checked above.
        }

        var (rates, momenta) = GoldenReplay.ReplaySchedule(c, chained: true);
        Assert.Equal(Doubles(c.GetProperty("lr_before_each_step")), rates);
        if (c.TryGetProperty("momentum_before_each_step", out var expected))
        {
            Assert.Equal(Doubles(expected), momenta);
        }
    }

    private static JsonElement Case(string scheduler) =>
        Golden.Value.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("scheduler").GetString() == scheduler);

    private static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetDouble())];
}
