using System.Text.Json;
using Descent.Optimizers;
using Descent.Schedules;
using Descent.Testing;

namespace Descent.Tests.Schedules;

/// <summary>
/// Every OneCycleLR variant (cos/linear × two/three phases × three pct_start) against PyTorch's get_lr, written out
/// in Reference/onecycle_get_lr.py from torch/optim/lr_scheduler.py (pytorch/schedulers.json records only the
/// default variant): the phase boundaries and rates of steps 0..59, and no invalid rate after the last update.
/// </summary>
public class OneCycleVariantTests
{
    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, Reference().GetArrayLength())];

    [Theory]
    [MemberData(nameof(Cases))]
    public void RatesAndMomenta_FollowPyTorchsGetLr_AtEveryStep(int index)
    {
        var c = Reference()[index];
        var schedule = Build(c);
        var rates = c.GetProperty("lr_before_each_step").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var momenta = c.GetProperty("momentum_before_each_step").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        for (int step = 0; step < rates.Length; step++)
        {
            Assert.True(Math.Abs(schedule.RateAt(step, 0.1) - rates[step]) <= 1e-15 * Math.Max(1, Math.Abs(rates[step])), $"{c.GetProperty("scheduler")} step {step}: lr {schedule.RateAt(step, 0.1)} vs {rates[step]}");
            Assert.True(Math.Abs(schedule.MomentumAt(step, 0.9) - momenta[step]) <= 1e-15, $"{c.GetProperty("scheduler")} step {step}: momentum");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AfterTheLastUpdate_TheRateStaysAtTheFinalRate(int index)
    {
        var schedule = Build(Reference()[index]);
        Assert.Equal(schedule.FinalRate, schedule.RateAt(schedule.TotalSteps, 0.1), 15);
        Assert.True(schedule.RateAt(schedule.TotalSteps, 0.1) > 0);
    }

    [Fact]
    public void ThreePhaseLinear_EndsAtFourMillionths_AndAScheduledRunFinishes()
    {
        // The issue's case: OneCycleLR(max_lr=1.0, total_steps=60, anneal_strategy='linear', three_phase=True) on
        // SGD(lr=0.1, momentum=0.9): PyTorch's last rate is 4.0e-6. Stepping the scheduler after the 60th update
        // used to set −1.6e-3, which the optimizer refuses.
        var p = new Parameter<double>("p", [1.0]);
        var sgd = new Sgd<double>([p], new SgdOptions { LearningRate = 0.1, Momentum = 0.9 });
        var schedule = new OneCycleSchedule(1.0, 60, annealStrategy: AnnealStrategy.Linear, threePhase: true);
        var scheduler = new LearningRateScheduler(sgd, schedule);
        double last = double.NaN;
        for (int step = 0; step < 60; step++)
        {
            last = sgd.Groups[0].LearningRate;
            p.Gradient.Span[0] = 1;
            sgd.Step();
            scheduler.Step();
        }

        Assert.Equal(4.0e-6, last, 1e-17);
        Assert.Equal(4.0e-6, sgd.Groups[0].LearningRate, 1e-17);
    }

    private static OneCycleSchedule Build(JsonElement c) => new(
        c.GetProperty("max_lr").GetDouble(),
        c.GetProperty("total_steps").GetInt32(),
        c.GetProperty("pct_start").GetDouble(),
        c.GetProperty("anneal_strategy").GetString() == "cos" ? AnnealStrategy.Cosine : AnnealStrategy.Linear,
        threePhase: c.GetProperty("three_phase").GetBoolean());

    private static JsonElement Reference()
    {
        string path = Path.Combine(Goldens.RepositoryRoot, "tests", "Descent.Tests", "Schedules", "Reference", "onecycle_get_lr.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").Clone();
    }
}
