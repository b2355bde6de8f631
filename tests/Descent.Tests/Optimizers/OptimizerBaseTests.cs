using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

public class OptimizerBaseTests
{
    [Fact]
    public void AdjacentSlicesOfOneBuffer_AreUpdatedAsOneRun()
    {
        var values = new double[10];
        var grads = new double[10];
        var a = new Parameter<double>("a", values.AsMemory(0, 4), grads.AsMemory(0, 4), 2, 2);
        var b = new Parameter<double>("b", values.AsMemory(4, 6), grads.AsMemory(4, 6));
        var group = new Sgd<double>([a, b]).Groups[0];
        Assert.Single(group.Runs);
        Assert.Equal(10, group.Runs[0].Length);
    }

    [Fact]
    public void SeparateArrays_StaySeparateRuns()
    {
        var group = new Sgd<double>([new Parameter<double>("a", new double[3]), new Parameter<double>("b", new double[2])]).Groups[0];
        Assert.Equal(2, group.Runs.Length);
        Assert.Equal(3, group.Runs[1].Offset);
    }

    [Fact]
    public void DuplicateNames_AreRejectedWithTheName()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            new Sgd<double>([new Parameter<double>("w", new double[1]), new Parameter<double>("w", new double[1])]));
        Assert.Contains("'w'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GradientOfOtherLength_IsRejectedNamingTheParameter()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Parameter<float>("W1", new float[4], new float[3]));
        Assert.Contains("W1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LearningRate_IsSettablePerGroup_AndValidated()
    {
        var sgd = new Sgd<double>([new Parameter<double>("w", [1.0])], new SgdOptions { LearningRate = 0.1 });
        sgd.Groups[0].LearningRate = 0.5;
        Assert.Equal(0.5, sgd.Groups[0].Options.LearningRate);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => sgd.Groups[0].LearningRate = -1);
        Assert.Contains("LearningRate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MomentumCoefficient_IsSetInPlace_ValidatedByTheRecord_AndLeavesSnapshotsAlone()
    {
        var defaults = new SgdOptions { LearningRate = 0.1, Momentum = 0.9, Nesterov = true };
        var sgd = new Sgd<double>([new Parameter<double>("w", [1.0])], defaults);
        var group = sgd.Groups[0];
        group.MomentumCoefficient = 0.8;
        var owned = group.Options;
        var saved = sgd.SaveState();
        group.MomentumCoefficient = 0.7;
        Assert.Same(owned, group.Options);
        Assert.Equal(0.7, group.Options.Momentum);
        Assert.Equal(0.8, ((SgdOptions)saved.Groups[0].Options).Momentum);
        Assert.Equal(0.9, defaults.Momentum);

        // Nesterov needs momentum > 0: the record's own rule refuses 0 and the group keeps 0.7.
        var ex = Assert.Throws<ArgumentException>(() => group.MomentumCoefficient = 0);
        Assert.Contains("Nesterov", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0.7, group.Options.Momentum);

        var adagrad = new AdaGrad<double>([new Parameter<double>("w", [1.0])]);
        Assert.Throws<InvalidOperationException>(() => adagrad.Groups[0].MomentumCoefficient = 0.5);
    }

    [Fact]
    public void SaveThenLoad_ContinuesBitIdentically()
    {
        static Sgd<double> Build(double[] w) =>
            new([new Parameter<double>("w", w)], new SgdOptions { LearningRate = 0.1, Momentum = 0.9 });
        static void Feed(Sgd<double> opt, int t)
        {
            var p = opt.Groups[0].Parameters[0];
            for (int i = 0; i < p.Length; i++)
            {
                p.Gradient.Span[i] = p.Value.Span[i] + Math.Cos(t + i);
            }

            opt.Step();
        }

        var straight = Build([1.0, -2.0, 3.0]);
        for (int t = 0; t < 7; t++)
        {
            Feed(straight, t);
        }

        var first = Build([1.0, -2.0, 3.0]);
        for (int t = 0; t < 3; t++)
        {
            Feed(first, t);
        }

        var resumed = Build(first.Groups[0].Parameters[0].Value.ToArray());
        resumed.LoadState(first.SaveState());
        for (int t = 3; t < 7; t++)
        {
            Feed(resumed, t);
        }

        Assert.Equal(straight.Groups[0].Parameters[0].Value.ToArray(), resumed.Groups[0].Parameters[0].Value.ToArray());
    }

    [Fact]
    public void LoadingMismatchedState_ChangesNothing()
    {
        var source = new Sgd<double>([new Parameter<double>("other", [1.0])], new SgdOptions { Momentum = 0.9 });
        source.Groups[0].Parameters[0].Gradient.Span[0] = 1;
        source.Step();
        var target = new Sgd<double>([new Parameter<double>("w", [1.0])], new SgdOptions { Momentum = 0.9, LearningRate = 0.2 });
        var ex = Assert.Throws<ArgumentException>(() => target.LoadState(source.SaveState()));
        Assert.Contains("[w]", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0.2, target.Groups[0].LearningRate);
        Assert.Equal(0, target.Groups[0].StepCount);
    }
}
