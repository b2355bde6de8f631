using Descent.Optimizers;
using Descent.Schedules;

namespace Descent.Tests.Schedules;

public class ScheduleTests
{
    /// <summary>One table of schedules drives the generic tests; adding a schedule is a row.</summary>
    public static TheoryData<string> Expressions() =>
    [
        "StepLR(step_size=7, gamma=0.5)",
        "MultiStepLR(milestones=[10, 25, 40], gamma=0.1)",
        "ExponentialLR(gamma=0.95)",
        "CosineAnnealingLR(T_max=20, eta_min=0.001)",
        "CosineAnnealingLR(T_max=7)",
        "CosineAnnealingWarmRestarts(T_0=5, T_mult=2, eta_min=0.01)",
        "CosineAnnealingWarmRestarts(T_0=6)",
        "LinearLR(start_factor=0.25, end_factor=1.0, total_iters=12)",
        "LinearLR(1.0, 0.1, 30)",
        "ConstantLR(factor=0.5, total_iters=8)",
        "PolynomialLR(total_iters=40, power=2.0)",
        "OneCycleLR(max_lr=1.0, total_steps=200)",
        "OneCycleLR(max_lr=0.5, total_steps=200, anneal_strategy=linear, three_phase=True)",
        "CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=5, mode=triangular)",
        "CyclicLR(0.01, 0.1, 4, 9, exp_range, 0.99)",
        "SequentialLR(LinearLR(0.01, 1.0, 5) then CosineAnnealingLR(T_max=55), milestones=[5])",
        "SequentialLR([ConstantLR(0.5, 10), ExponentialLR(0.9), StepLR(3)], [20, 50])",
        "ChainedScheduler([ConstantLR(0.5, 4), ExponentialLR(0.9)])",
        "ChainedScheduler([StepLR(10, 0.5), CosineAnnealingLR(50, 0.001)])",
        "WarmupCosine(10, 150, 0.1, 0.05)",
        "WarmupStableDecay(10, 100, 40, shape=sqrt)",
        "WarmupStableDecay(0, 50, 100, shape=cos, final_factor=0.1)",
    ];

    [Theory]
    [MemberData(nameof(Expressions))]
    public void ClosedAndChainableForms_Agree(string expression)
    {
        var schedule = ScheduleExpression.Parse(expression);
        var chained = new ChainedSchedule(schedule);
        for (long t = 0; t <= 200; t++)
        {
            double closed = schedule.RateAt(t, 0.1);
            double recursive = chained.RateAt(t, 0.1);
            Assert.True(Math.Abs(closed - recursive) <= 1e-14, $"step {t}: closed {closed}, chainable {recursive}");
        }
    }

    [Theory]
    [MemberData(nameof(Expressions))]
    public void RateAt_IsPure_InAnyOrder(string expression)
    {
        var schedule = ScheduleExpression.Parse(expression);
        var forward = Enumerable.Range(0, 201).Select(t => schedule.RateAt(t, 0.1)).ToArray();
        var fresh = ScheduleExpression.Parse(expression);
        for (int t = 200; t >= 0; t -= 7)
        {
            Assert.Equal(forward[t], fresh.RateAt(t, 0.1));
            Assert.Equal(forward[t], schedule.RateAt(t, 0.1));
        }
    }

    [Theory]
    [MemberData(nameof(Expressions))]
    public void ToString_ParsesBackToTheSameSchedule(string expression)
    {
        var schedule = ScheduleExpression.Parse(expression);
        var again = ScheduleExpression.Parse(schedule.ToString());
        Assert.Equal(schedule.ToString(), again.ToString());
        for (long t = 0; t <= 200; t += 3)
        {
            Assert.Equal(schedule.RateAt(t, 0.3), again.RateAt(t, 0.3));
            Assert.Equal(schedule.MomentumAt(t, 0.9), again.MomentumAt(t, 0.9));
        }
    }

    [Fact]
    public void WarmRestarts_RestartAtGrowingPeriods()
    {
        var s = new CosineAnnealingWarmRestartsSchedule(3, 2, 0.0);
        // Cycles of 3, 6, 12 steps start at 0, 3, 9, 21.
        foreach (long restart in new long[] { 0, 3, 9, 21 })
        {
            Assert.Equal(1.0, s.RateAt(restart, 1.0));
        }

        Assert.Equal((1 + Math.Cos(Math.PI * 4 / 6)) / 2, s.RateAt(7, 1.0), 15);
        Assert.Equal((1 + Math.Cos(Math.PI * 11 / 12)) / 2, s.RateAt(20, 1.0), 15);
    }

    [Fact]
    public void Polynomial_ReachesZeroAndStays()
    {
        var s = new PolynomialSchedule(10, 2.0);
        Assert.Equal(0.1 * 0.25, s.RateAt(5, 0.1), 15);
        Assert.Equal(0.0, s.RateAt(10, 0.1));
        Assert.Equal(0.0, s.RateAt(99, 0.1));
    }

    [Fact]
    public void Lambda_And_Multiplicative_FollowTheirDefinitions()
    {
        var lambda = new LambdaSchedule(t => 1.0 / (t + 1));
        Assert.Equal(0.1 / 5, lambda.RateAt(4, 0.1), 15);
        var multiplicative = new MultiplicativeSchedule(_ => 0.5);
        Assert.Equal(0.1, multiplicative.RateAt(0, 0.1));
        Assert.Equal(0.1 * 0.125, multiplicative.RateAt(3, 0.1));
        Assert.Equal(0.1 * Math.Pow(0.5, 40), multiplicative.RateAt(40, 0.1));
    }

    [Fact]
    public void OneCycle_PeaksAtPercentStart_AndEndsAtTheFinalRate()
    {
        var s = new OneCycleSchedule(maxRate: 1.0, totalSteps: 100, percentStart: 0.25);
        Assert.Equal(0.04, s.RateAt(0, 123), 15);
        Assert.Equal(1.0, s.RateAt(24, 123), 15);
        Assert.Equal(0.04 / 1e4, s.RateAt(99, 123), 15);
        Assert.Equal(0.95, s.MomentumAt(0, 0), 15);
        Assert.Equal(0.85, s.MomentumAt(24, 0), 15);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => s.RateAt(101, 1));
        Assert.Contains("totalSteps", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneCycle_ThreePhase_ReturnsToTheInitialRateBeforeAnnihilating()
    {
        var s = new OneCycleSchedule(maxRate: 1.0, totalSteps: 100, percentStart: 0.3, annealStrategy: AnnealStrategy.Linear, threePhase: true);
        Assert.Equal(1.0, s.RateAt(29, 0), 15);
        Assert.Equal(0.04, s.RateAt(58, 0), 15);
        Assert.Equal(0.04 / 1e4, s.RateAt(99, 0), 15);
    }

    [Fact]
    public void Cyclic_ExponentialRange_ShrinksTheAmplitudeByGammaPerStep()
    {
        var s = new CyclicSchedule(0.0, 1.0, stepSizeUp: 5, mode: CyclicMode.ExponentialRange, gamma: 0.9);
        Assert.Equal(Math.Pow(0.9, 5), s.RateAt(5, 0), 15);
        Assert.Equal(Math.Pow(0.9, 15), s.RateAt(15, 0), 15);
        Assert.Equal(0.0, s.RateAt(10, 0), 15);
    }

    [Fact]
    public void Sequential_HoldsTheLastCycledMomentum_WhenTheNextScheduleDoesNotCycle()
    {
        var s = new SequentialSchedule([new OneCycleSchedule(1.0, 10), new ConstantSchedule(1.0, 1)], [10]);
        var oneCycle = (OneCycleSchedule)s.Schedules[0];
        Assert.Equal(oneCycle.MomentumAt(9, 0.5), s.MomentumAt(9, 0.5));
        Assert.Equal(oneCycle.MomentumAt(9, 0.5), s.MomentumAt(30, 0.5));
        Assert.Equal(0.1, s.RateAt(10, 0.1));
    }

    [Fact]
    public void WarmupCosine_RisesLinearly_ThenFallsToTheFinalFactor()
    {
        var s = new WarmupCosineSchedule(10, 110, warmupStartFactor: 0.0, finalFactor: 0.1);
        Assert.Equal(0.0, s.RateAt(0, 2.0));
        Assert.Equal(1.0, s.RateAt(5, 2.0), 15);
        Assert.Equal(2.0, s.RateAt(10, 2.0), 15);
        Assert.Equal(2.0 * (0.1 + (0.9 * 0.5)), s.RateAt(60, 2.0), 14);
        Assert.Equal(0.2, s.RateAt(110, 2.0), 15);
        Assert.Equal(0.2, s.RateAt(5000, 2.0), 15);
    }

    [Theory]
    [InlineData(DecayShape.Linear, 0.5)]
    [InlineData(DecayShape.Cosine, 0.5)]
    [InlineData(DecayShape.InverseSquareRoot, 0.2928932188134524)]
    public void WarmupStableDecay_HoldsThenDecaysWithItsShape(DecayShape shape, double midpointFactor)
    {
        var s = new WarmupStableDecaySchedule(4, 10, 20, shape);
        Assert.Equal(0.5, s.RateAt(2, 1.0), 15);
        Assert.Equal(1.0, s.RateAt(4, 1.0));
        Assert.Equal(1.0, s.RateAt(13, 1.0));
        Assert.Equal(1.0, s.RateAt(14, 1.0), 15);
        Assert.Equal(midpointFactor, s.RateAt(24, 1.0), 15);
        Assert.Equal(0.0, s.RateAt(34, 1.0), 15);
        Assert.Equal(0.0, s.RateAt(1000, 1.0), 15);
    }

    public static TheoryData<string, Action> ImpossibleSettings() => new()
    {
        { "stepSize", () => _ = new StepSchedule(0) },
        { "stepSize", () => _ = new StepSchedule(-3) },
        { "gamma", () => _ = new StepSchedule(5, -0.1) },
        { "milestones", () => _ = new MultiStepSchedule([10, 5]) },
        { "milestones", () => _ = new MultiStepSchedule([10, 10]) },
        { "milestones", () => _ = new MultiStepSchedule([-1, 5]) },
        { "gamma", () => _ = new ExponentialSchedule(double.NaN) },
        { "period", () => _ = new CosineAnnealingSchedule(0) },
        { "minimumRate", () => _ = new CosineAnnealingSchedule(10, -1) },
        { "firstPeriod", () => _ = new CosineAnnealingWarmRestartsSchedule(0) },
        { "periodMultiplier", () => _ = new CosineAnnealingWarmRestartsSchedule(5, 0) },
        { "startFactor", () => _ = new LinearSchedule(0.0) },
        { "startFactor", () => _ = new LinearSchedule(1.5) },
        { "endFactor", () => _ = new LinearSchedule(0.5, 2.0) },
        { "totalSteps", () => _ = new LinearSchedule(0.5, 1.0, 0) },
        { "factor", () => _ = new ConstantSchedule(0.0) },
        { "totalSteps", () => _ = new ConstantSchedule(0.5, 0) },
        { "totalSteps", () => _ = new PolynomialSchedule(0) },
        { "power", () => _ = new PolynomialSchedule(5, -1) },
        { "maxRate", () => _ = new OneCycleSchedule(-1, 10) },
        { "totalSteps", () => _ = new OneCycleSchedule(1, 0) },
        { "percentStart", () => _ = new OneCycleSchedule(1, 10, 1.5) },
        { "percentStart", () => _ = new OneCycleSchedule(1, 10, 0.1) },
        { "divFactor", () => _ = new OneCycleSchedule(1, 10, divFactor: 0) },
        { "baseMomentum", () => _ = new OneCycleSchedule(1, 10, baseMomentum: 1.5) },
        { "stepSizeUp", () => _ = new CyclicSchedule(0.1, 1, stepSizeUp: -2) },
        { "stepSizeDown", () => _ = new CyclicSchedule(0.1, 1, stepSizeDown: 0) },
        { "gamma", () => _ = new CyclicSchedule(0.1, 1, gamma: 0) },
        { "milestones", () => _ = new SequentialSchedule([new StepSchedule(2), new StepSchedule(3)], [5, 6]) },
        { "milestones", () => _ = new SequentialSchedule([new StepSchedule(2), new StepSchedule(3), new StepSchedule(4)], [9, 4]) },
        { "milestones", () => _ = new SequentialSchedule([new StepSchedule(2), new StepSchedule(3)], [0]) },
        { "schedules", () => _ = new SequentialSchedule([], []) },
        { "schedules", () => _ = new ChainedSchedule() },
        { "warmupSteps", () => _ = new WarmupCosineSchedule(200, 100) },
        { "warmupSteps", () => _ = new WarmupCosineSchedule(-1, 100) },
        { "totalSteps", () => _ = new WarmupCosineSchedule(0, 0) },
        { "finalFactor", () => _ = new WarmupCosineSchedule(10, 100, finalFactor: 2) },
        { "decaySteps", () => _ = new WarmupStableDecaySchedule(0, 0, 0) },
        { "stableSteps", () => _ = new WarmupStableDecaySchedule(1, -1, 5) },
    };

    [Theory]
    [MemberData(nameof(ImpossibleSettings))]
    public void ImpossibleSetting_ThrowsAtConstruction_NamingIt(string setting, Action construct)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(construct);
        Assert.Equal(setting, ex.ParamName);
        Assert.Contains(setting, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeStep_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepSchedule(3).RateAt(-1, 0.1));
    }

    [Theory]
    [InlineData("StepLR(gamma=0.5)", "step_size")]
    [InlineData("StepLR(7, gamma=0.5, step_size=3)", "step_size")]
    [InlineData("StepLR(7, colour=3)", "colour")]
    [InlineData("Nonsense(1)", "Unknown schedule")]
    [InlineData("CyclicLR(0.1, 1, mode=zigzag)", "zigzag")]
    [InlineData("StepLR(7", "')'")]
    [InlineData("LambdaLR(f)", "LambdaSchedule")]
    public void BadExpression_IsAFormatErrorSayingWhy(string expression, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => ScheduleExpression.Parse(expression));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expression_WithAnImpossibleSetting_ReportsTheSetting()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ScheduleExpression.Parse("CosineAnnealingLR(T_max=0)"));
        Assert.Equal("period", ex.ParamName);
    }

    [Fact]
    public void OneCycle_CyclesBeta1_OfTheAdamFamily()
    {
        var w = new Parameter<double>("w", [1.0]);
        var adam = new Adam<double>([w], new AdamOptions { LearningRate = 0.1 });
        var schedule = new OneCycleSchedule(1.0, 20);
        var scheduler = new LearningRateScheduler(adam, schedule);
        for (int t = 0; t < 20; t++)
        {
            Assert.Equal(schedule.MomentumAt(t, 0), adam.Groups[0].Options.Beta1);
            Assert.Equal(schedule.RateAt(t, 0), adam.Groups[0].LearningRate);
            w.Gradient.Span[0] = 1;
            adam.Step();
            scheduler.Step();
        }
    }

    [Fact]
    public void MomentumCycling_WithoutAMomentumCoefficient_IsRejectedAtConstruction()
    {
        var adagrad = new AdaGrad<double>([new Parameter<double>("w", [1.0])]);
        var ex = Assert.Throws<ArgumentException>(() => new LearningRateScheduler(adagrad, new CyclicSchedule(0.01, 0.1)));
        Assert.Contains("momentum", ex.Message, StringComparison.Ordinal);
        _ = new LearningRateScheduler(adagrad, new CyclicSchedule(0.01, 0.1, cycleMomentum: false));
    }

    [Fact]
    public void Scheduler_UsesEachGroupsInitialRate_AndPerGroupSchedules()
    {
        var sgd = new Sgd<double>([new Parameter<double>("a", [1.0])], new SgdOptions { LearningRate = 0.1 });
        sgd.AddGroup([new Parameter<double>("b", [1.0])], sgd.Defaults with { LearningRate = 0.01 });
        var scheduler = new LearningRateScheduler(sgd, [new ExponentialSchedule(0.5), new StepSchedule(2, 0.1)]);
        scheduler.Step();
        scheduler.Step();
        Assert.Equal(0.025, sgd.Groups[0].LearningRate, 15);
        Assert.Equal(0.001, sgd.Groups[1].LearningRate, 15);
        Assert.Throws<ArgumentException>(() => new LearningRateScheduler(sgd, [new ExponentialSchedule(0.5)]));
    }
}
