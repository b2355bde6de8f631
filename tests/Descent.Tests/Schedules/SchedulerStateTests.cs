using Descent.Optimizers;
using Descent.Schedules;

namespace Descent.Tests.Schedules;

/// <summary>A run saved and resumed in fresh objects continues exactly as the uninterrupted run.</summary>
public class SchedulerStateTests
{
    private const int Steps = 60;

    [Theory]
    [InlineData("OneCycleLR(max_lr=1.0, total_steps=60)")]
    [InlineData("ChainedScheduler([ConstantLR(0.5, 4), CosineAnnealingLR(25, 0.001)])")]
    [InlineData("SequentialLR(LinearLR(0.01, 1.0, 5) then CosineAnnealingLR(T_max=55), milestones=[5])")]
    [InlineData("CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=5, mode=triangular2)")]
    public void ResumedSchedule_ContinuesBitIdentically(string expression)
    {
        var (referenceWeights, referenceRates) = Run(expression, interruptAt: null);
        foreach (int at in new[] { 1, 17, 59 })
        {
            var (weights, rates) = Run(expression, at);
            Assert.Equal(referenceRates, rates);
            Assert.Equal(referenceWeights, weights);
        }
    }

    [Fact]
    public void ResumedPlateau_ContinuesBitIdentically()
    {
        var (referenceWeights, referenceRates) = RunPlateau(interruptAt: null);
        Assert.True(referenceRates.Distinct().Count() > 3, "the metric sequence must trigger several reductions");
        foreach (int at in new[] { 3, 11, 30 })
        {
            var (weights, rates) = RunPlateau(at);
            Assert.Equal(referenceRates, rates);
            Assert.Equal(referenceWeights, weights);
        }
    }

    [Fact]
    public void PlateauWithoutItsState_WouldDiverge_SoTheStateMatters()
    {
        var (_, reference) = RunPlateau(interruptAt: null);
        var (_, forgetful) = RunPlateau(interruptAt: 11, loadPlateauState: false);
        Assert.NotEqual(reference, forgetful);
    }

    [Fact]
    public void LoadState_RejectsAStateForOtherGroups()
    {
        var sgd = new Sgd<double>([new Parameter<double>("w", [1.0])], new SgdOptions { LearningRate = 0.1 });
        var scheduler = new LearningRateScheduler(sgd, new StepSchedule(3));
        Assert.Throws<ArgumentException>(() => scheduler.LoadState(new SchedulerState(2, [0.1, 0.2], [0.0, 0.0])));
        Assert.Throws<ArgumentException>(() => scheduler.LoadState(new SchedulerState(-1, [0.1], [0.0])));
        var plateau = new ReduceOnPlateau(sgd);
        Assert.Throws<ArgumentException>(() => plateau.LoadState(new PlateauState(1, 0.5, -1, 0)));
    }

    [Fact]
    public void Plateau_MaxModeAndAbsoluteThreshold_BehaveAsPyTorch()
    {
        var sgd = new Sgd<double>([new Parameter<double>("w", [1.0])], new SgdOptions { LearningRate = 1.0 });
        var plateau = new ReduceOnPlateau(sgd, new PlateauOptions
        {
            Mode = PlateauMode.Maximize, ThresholdMode = ThresholdMode.Absolute, Threshold = 0.1, Patience = 1, Factor = 0.5, MinimumRate = 0.3,
        });
        plateau.Step(1.0);  // best 1.0
        plateau.Step(1.05); // not > 1.1: bad 1
        Assert.Equal(1.0, sgd.Groups[0].LearningRate);
        plateau.Step(1.09); // bad 2 > patience: reduce
        Assert.Equal(0.5, sgd.Groups[0].LearningRate);
        plateau.Step(1.2);  // improvement
        plateau.Step(0.0);
        plateau.Step(0.0);  // reduce, floored at the minimum
        Assert.Equal(0.3, sgd.Groups[0].LearningRate);
        plateau.Step(0.0);
        plateau.Step(0.0);  // already at the minimum: unchanged
        Assert.Equal(0.3, sgd.Groups[0].LearningRate);
    }

    [Theory]
    [InlineData("Factor")]
    [InlineData("Patience")]
    [InlineData("Threshold")]
    [InlineData("Cooldown")]
    [InlineData("MinimumRate")]
    [InlineData("Epsilon")]
    public void PlateauImpossibleSetting_IsRejectedNamingIt(string setting)
    {
        var options = setting switch
        {
            "Factor" => new PlateauOptions { Factor = 1.0 },
            "Patience" => new PlateauOptions { Patience = -1 },
            "Threshold" => new PlateauOptions { Threshold = -1 },
            "Cooldown" => new PlateauOptions { Cooldown = -2 },
            "MinimumRate" => new PlateauOptions { MinimumRate = -1 },
            _ => new PlateauOptions { Epsilon = double.NaN },
        };
        var sgd = new Sgd<double>([new Parameter<double>("w", [1.0])]);
        var ex = Assert.ThrowsAny<ArgumentException>(() => new ReduceOnPlateau(sgd, options));
        Assert.Equal(setting, ex.ParamName);
    }

    private static (double[] Weights, double[] Rates) Run(string expression, int? interruptAt)
    {
        var (w, sgd) = Build();
        var scheduler = new LearningRateScheduler(sgd, ScheduleExpression.Parse(expression));
        var rates = new double[Steps];
        for (int t = 0; t < Steps; t++)
        {
            if (t == interruptAt)
            {
                var optimizerState = sgd.SaveState();
                var schedulerState = scheduler.SaveState();
                double[] values = w.Value.ToArray();
                (w, sgd) = Build();
                values.CopyTo(w.Value);
                sgd.LoadState(optimizerState);
                scheduler = new LearningRateScheduler(sgd, ScheduleExpression.Parse(expression));
                scheduler.LoadState(schedulerState);
            }

            rates[t] = sgd.Groups[0].LearningRate;
            Feed(w, t);
            sgd.Step();
            scheduler.Step();
        }

        return (w.Value.ToArray(), rates);
    }

    private static (double[] Weights, double[] Rates) RunPlateau(int? interruptAt, bool loadPlateauState = true)
    {
        var options = new PlateauOptions { Factor = 0.5, Patience = 2, Cooldown = 1, MinimumRate = 1e-4 };
        var (w, sgd) = Build();
        var plateau = new ReduceOnPlateau(sgd, options);
        var rates = new double[Steps];
        for (int t = 0; t < Steps; t++)
        {
            if (t == interruptAt)
            {
                var optimizerState = sgd.SaveState();
                var plateauState = plateau.SaveState();
                double[] values = w.Value.ToArray();
                (w, sgd) = Build();
                values.CopyTo(w.Value);
                sgd.LoadState(optimizerState);
                plateau = new ReduceOnPlateau(sgd, options);
                if (loadPlateauState)
                {
                    plateau.LoadState(plateauState);
                }
            }

            rates[t] = sgd.Groups[0].LearningRate;
            Feed(w, t);
            sgd.Step();
            plateau.Step(t < 8 ? 1.0 / (t + 1) : 0.1 + (0.001 * (t % 3)));
        }

        return (w.Value.ToArray(), rates);
    }

    private static (Parameter<double>, Sgd<double>) Build()
    {
        var w = new Parameter<double>("w", [1.0, -2.0, 0.5]);
        return (w, new Sgd<double>([w], new SgdOptions { LearningRate = 0.1, Momentum = 0.9 }));
    }

    private static void Feed(Parameter<double> w, int t)
    {
        var value = w.Value.Span;
        var grad = w.Gradient.Span;
        for (int i = 0; i < value.Length; i++)
        {
            grad[i] = (2 * value[i]) + Math.Sin(t + i);
        }
    }
}
