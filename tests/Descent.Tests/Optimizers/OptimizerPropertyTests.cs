using System.Runtime.InteropServices;
using Descent.Optimizers;
using Descent.Schedules;
using Descent.Tests.Schedules;

namespace Descent.Tests.Optimizers;

/// <summary>Properties every optimizer of <see cref="OptimizerCatalog"/> must have, driven by the catalog's one table.</summary>
public class OptimizerPropertyTests
{
    /// <summary>
    /// Every optimizer of the catalog but Muon, which (like torch.optim.Muon) takes 2-D parameters only, so these
    /// vector problems do not apply to it; <see cref="MuonTests"/> covers its allocation, save/load and convergence.
    /// </summary>
    public static TheoryData<string> Names => [.. OptimizerCatalog.All.Where(e => e.Name != "Muon").Select(e => e.Name)];

    public static TheoryData<string> WithMaximize => [.. OptimizerCatalog.All.Where(e => e.OptionNames.Contains("maximize")).Select(e => e.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Converges_OnQuadraticBowl(string name)
    {
        double[] curvature = [1, 10, 0.3];
        var (w, optimizer) = Build(name, [3.0, -2.0, 1.0]);
        double distance = Descend(w, optimizer, 1e-2, v =>
        {
            for (int i = 0; i < 3; i++)
            {
                w.Gradient.Span[i] = curvature[i] * v[i];
            }

            return Math.Sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        });
        Assert.True(distance < 1e-2, $"{name}: still {distance:E2} from the minimum");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Converges_OnRosenbrock(string name)
    {
        var (w, optimizer) = Build(name, [0.0, 0.0]);
        double distance = Descend(w, optimizer, 1e-2, v =>
        {
            // f = (1 − x)² + 100 (y − x²)², minimum at (1, 1).
            w.Gradient.Span[0] = (-2 * (1 - v[0])) - (400 * v[0] * (v[1] - (v[0] * v[0])));
            w.Gradient.Span[1] = 200 * (v[1] - (v[0] * v[0]));
            return Math.Sqrt(Math.Pow(v[0] - 1, 2) + Math.Pow(v[1] - 1, 2));
        });
        Assert.True(distance < 1e-2, $"{name}: still {distance:E2} from (1, 1)");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void SaveAfterN_LoadIntoFreshObjects_ThenM_IsBitIdenticalToNPlusM(string name)
    {
        const int N = 7, M = 6;
        var straight = TwoGroups(name, null);
        for (int t = 0; t < N + M; t++)
        {
            Step(straight, t);
        }

        var first = TwoGroups(name, null);
        for (int t = 0; t < N; t++)
        {
            Step(first, t);
        }

        var saved = first.Optimizer.SaveState();
        var resumed = TwoGroups(name, first.Values);
        resumed.Optimizer.LoadState(saved);
        Assert.Equal(N, resumed.Optimizer.ParameterGroups[1].StepCount);
        for (int t = N; t < N + M; t++)
        {
            Step(resumed, t);
        }

        Assert.True(
            MemoryMarshal.AsBytes(straight.Values.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(resumed.Values.AsSpan())),
            $"{name}: resumed run differs from the straight run");
    }

    [Theory]
    [MemberData(nameof(KernelPathTests.Kernels), MemberType = typeof(KernelPathTests))]
    public void Step_AllocatesNothing_AfterTheFirstCall(string specification)
    {
        var values = new float[1000];
        var gradients = new float[1000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = MathF.Sin(i);
            gradients[i] = MathF.Cos(i);
        }

        var optimizer = OptimizerCatalog.Create<float>(specification, [
            new Parameter<float>("a", values.AsMemory(0, 300), gradients.AsMemory(0, 300)),
            new Parameter<float>("b", values.AsMemory(300, 700), gradients.AsMemory(300, 700))]);
        optimizer.AddGroup([new Parameter<float>("c", new float[37])], null);
        var scheduler = EveryStepSchedule.Attach(optimizer);
        for (int t = 0; t < 3; t++)
        {
            optimizer.Step();
            scheduler.Step();
        }

        var scheduled = EveryStepSchedule.Values(optimizer);
        // A step that allocates allocates every time; the runtime now and then allocates once on the test's thread
        // (240 bytes, seen only around Muon's GEMM calls), so the ten steps get three tries to show none.
        long allocated = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int t = 0; t < 10; t++)
            {
                optimizer.Step();
                scheduler.Step();
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0)
            {
                break;
            }
        }

        Assert.Equal(0, allocated);
        EveryStepSchedule.AssertMoved(optimizer, scheduled);
    }

    /// <summary>Every row of the catalog, Muon included (the parameters here are matrices).</summary>
    public static TheoryData<string> All => [.. OptimizerCatalog.All.Select(e => e.Name)];

    [Theory]
    [MemberData(nameof(All))]
    public void Step_WithAScheduleChangingTheRateAndMomentumEveryStep_AllocatesNothing(string name)
    {
        var values = new float[1037];
        var gradients = new float[1037];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = MathF.Sin(i);
            gradients[i] = 1e-2f * MathF.Cos(i);
        }

        var info = OptimizerCatalog.Find(name);
        var optimizer = info.Create<float>([
            new Parameter<float>("a", values.AsMemory(0, 300), gradients.AsMemory(0, 300), 10, 30),
            new Parameter<float>("b", values.AsMemory(300, 700), gradients.AsMemory(300, 700), 20, 35)]);
        optimizer.AddGroup([new Parameter<float>("c", values.AsMemory(1000, 37), gradients.AsMemory(1000, 37), 1, 37)], null);
        var scheduler = EveryStepSchedule.Attach(optimizer);
        for (int t = 0; t < 3; t++)
        {
            optimizer.Step();
            scheduler.Step();
        }

        var scheduled = EveryStepSchedule.Values(optimizer);
        // A step that allocates allocates every time; the runtime now and then allocates once on the test's thread
        // (240 bytes, seen only around Muon's GEMM calls), so the ten steps get three tries to show none.
        long allocated = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int t = 0; t < 10; t++)
            {
                optimizer.Step();
                scheduler.Step();
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0)
            {
                break;
            }
        }

        Assert.Equal(0, allocated);
        EveryStepSchedule.AssertMoved(optimizer, scheduled);
    }

    [Fact]
    public void ScheduledRate_LeavesSavedStateAndSharedDefaultsAsTheyWere()
    {
        var optimizer = OptimizerCatalog.Create<double>("adam:lr=0.1", [new Parameter<double>("w", [1.0, 2.0])]);
        optimizer.AddGroup([new Parameter<double>("v", [3.0])], null);
        var scheduler = new LearningRateScheduler(optimizer, new CosineAnnealingSchedule(period: 10));
        optimizer.Step();
        scheduler.Step();
        var saved = optimizer.SaveState();
        var rates = saved.Groups.Select(g => g.Options.LearningRate).ToArray();
        optimizer.Step();
        scheduler.Step();
        Assert.Equal(rates, saved.Groups.Select(g => g.Options.LearningRate));
        Assert.Equal(0.1, optimizer.DefaultOptions.LearningRate);
        Assert.NotEqual(rates[0], optimizer.ParameterGroups[0].LearningRate);
    }

    [Theory]
    [MemberData(nameof(WithMaximize))]
    public void Maximize_EqualsMinimizingTheNegatedGradient(string name)
    {
        var info = OptimizerCatalog.Find(name);
        var lr = new KeyValuePair<string, string>("lr", TestLearningRates.Text(info));
        var up = new Parameter<double>("w", [1.0, -0.5, 2.0]);
        var down = new Parameter<double>("w", [1.0, -0.5, 2.0]);
        var maximizer = info.Create([up], info.Options([lr, new("maximize", "true")]));
        var minimizer = info.Create([down], info.Options([lr]));
        for (int t = 0; t < 20; t++)
        {
            for (int i = 0; i < 3; i++)
            {
                up.Gradient.Span[i] = Math.Cos(t + i) - up.Value.Span[i];
                down.Gradient.Span[i] = -(Math.Cos(t + i) - down.Value.Span[i]);
            }

            maximizer.Step();
            minimizer.Step();
            Assert.Equal(down.Value.ToArray(), up.Value.ToArray());
        }
    }

    [Theory]
    [InlineData("sgd:lr=0.1")]
    [InlineData("sgd:lr=0.1,momentum=0.9,dampening=0.5")]
    [InlineData("sgd:lr=0.1,momentum=0.9,nesterov=true")]
    [InlineData("adam:lr=0.1")]
    [InlineData("adam:lr=0.1,amsgrad=true")]
    public void ZeroGradient_LeavesParametersUnchanged(string specification)
    {
        double[] start = [1.5, -2.0, 0.0, 3.25];
        var w = new Parameter<double>("w", (double[])start.Clone());
        var optimizer = OptimizerCatalog.Create(specification, [w]);
        for (int t = 0; t < 5; t++)
        {
            optimizer.Step();
        }

        Assert.Equal(start, w.Value.ToArray());
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.001)]
    public void AdamFirstStep_MovesEachParameterByLearningRateTimesSignOfGradient(double lr)
    {
        double[] start = [1.0, -2.0, 0.5, 4.0];
        double[] gradient = [0.3, -7.0, 1e-3, -0.02];
        var w = new Parameter<double>("w", (double[])start.Clone());
        gradient.CopyTo(w.Gradient.Span);
        new Adam<double>([w], new AdamOptions { LearningRate = lr }).Step();
        for (int i = 0; i < start.Length; i++)
        {
            // |Δ| = η|g| / (|g| + ε) = η to within ε/|g|.
            Assert.Equal(-lr * Math.Sign(gradient[i]), w.Value.Span[i] - start[i], lr * 1e-4);
        }
    }

    private static (Parameter<double> W, IOptimizer<double> Optimizer) Build(string name, double[] start)
    {
        var info = OptimizerCatalog.Find(name);
        var w = new Parameter<double>("w", start);
        return (w, info.Create([w], info.Options([new("lr", TestLearningRates.Text(info))])));
    }

    private static double Descend(Parameter<double> w, IOptimizer<double> optimizer, double tolerance, Func<double[], double> gradientAndDistance)
    {
        for (int t = 0; t < 30_000; t++)
        {
            double distance = gradientAndDistance(w.Value.ToArray());
            if (distance < tolerance)
            {
                return distance;
            }

            optimizer.Step();
        }

        return gradientAndDistance(w.Value.ToArray());
    }

    private sealed record Setup(IOptimizer<double> Optimizer, double[] Values, double[] Gradients);

    /// <summary>Weights and bias as slices of one flat buffer in one group, a second group with half the rate.</summary>
    private static Setup TwoGroups(string name, double[]? values)
    {
        var info = OptimizerCatalog.Find(name);
        values = values is null ? [.. Enumerable.Range(0, 11).Select(i => Math.Sin(i + 1))] : (double[])values.Clone();
        var gradients = new double[values.Length];
        var options = info.Options([new("lr", TestLearningRates.Text(info))]);
        var optimizer = info.Create(
            [new Parameter<double>("W", values.AsMemory(0, 6), gradients.AsMemory(0, 6), 2, 3), new Parameter<double>("b", values.AsMemory(6, 3), gradients.AsMemory(6, 3))],
            options);
        optimizer.AddGroup([new Parameter<double>("c", values.AsMemory(9, 2), gradients.AsMemory(9, 2))], options.WithLearningRate(TestLearningRates.Of(info) / 2));
        return new Setup(optimizer, values, gradients);
    }

    private static void Step(Setup setup, int t)
    {
        for (int i = 0; i < setup.Values.Length; i++)
        {
            setup.Gradients[i] = setup.Values[i] + Math.Cos((0.7 * t) + i);
        }

        setup.Optimizer.Step();
    }
}
