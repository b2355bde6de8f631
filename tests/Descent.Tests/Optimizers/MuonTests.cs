using System.Numerics;
using System.Text.Json;
using Descent.Numerics;
using Descent.Optimizers;
using Descent.Testing;
using Descent.Tests.Schedules;

namespace Descent.Tests.Optimizers;

/// <summary>Muon against tests/goldens/pytorch/muon.json (the repository copy of the PyTorch recording), and its shape rule and bfloat16 rounding.</summary>
public class MuonTests
{
    private static readonly Lazy<JsonDocument> File = new(() => Goldens.Load("pytorch/muon.json"));

    public static TheoryData<int> Cases => [.. Enumerable.Range(0, File.Value.RootElement.GetProperty("cases").GetArrayLength())];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Double_MatchesPyTorch_Within1e10(int index) => AssertWithin<double>(index, 1e-10);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float_MatchesPyTorch_Within1e4(int index) => AssertWithin<float>(index, 1e-4);

    [Fact]
    public void RejectsParametersThatAreNotMatrices_NamingTheParameter()
    {
        var error = Assert.Throws<ArgumentException>(() => new Muon<double>([new Parameter<double>("bias", new double[3])]));
        Assert.Contains("'bias'", error.Message, StringComparison.Ordinal);
        Assert.Contains("2-D", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.0f, 1.0f)]
    [InlineData(1.00390625f, 1.0f)]          // exactly half-way above 1 (last bit 0): ties to even, down
    [InlineData(1.01171875f, 1.015625f)]     // half-way above 1.0078125 (last bit 1): ties to even, up
    [InlineData(1.0039064f, 1.0078125f)]     // one float above half-way: up
    [InlineData(-3.14159265f, -3.140625f)]
    public void RoundToBFloat16_IsRoundToNearestEven(float value, float expected) =>
        Assert.Equal(expected, NewtonSchulz.RoundToBFloat16(value));

    [Fact]
    public void NewtonSchulz_OfAnOrthogonalMatrix_IsCloseToItself_AndTheIterationIsTransposeEquivariant()
    {
        // A scaled rotation: its singular values are equal, so the iteration drives them to ≈ 1 (within Muon's band).
        double[] rotation = [0.6, -0.8, 0.8, 0.6];
        var ns = new NewtonSchulz();
        float[] result = ns.Orthogonalize<double>(rotation.Select(v => 3 * v).ToArray(), 2, 2, 3.4445, -4.7750, 2.0315, 5, 1e-7).ToArray();
        for (int i = 0; i < 4; i++)
        {
            Assert.InRange(result[i] / rotation[i], 0.6, 1.3);
        }

        double[] tall = [1, 2, 3, 4, 5, 6];       // 3×2, stored transposed inside
        double[] wide = [1, 3, 5, 2, 4, 6];       // its transpose, 2×3
        float[] fromTall = ns.Orthogonalize<double>(tall, 3, 2, 3.4445, -4.7750, 2.0315, 5, 1e-7).ToArray();
        float[] fromWide = ns.Orthogonalize<double>(wide, 2, 3, 3.4445, -4.7750, 2.0315, 5, 1e-7).ToArray();
        Assert.Equal(fromWide, fromTall);
    }

    [Fact]
    public void Step_AllocatesNothing_AfterTheFirstCall()
    {
        var muon = new Muon<float>([Matrix<float>("W", 8, 5, 1), Matrix<float>("V", 5, 12, 2)], new MuonOptions { LearningRate = 0.02 });
        muon.AddGroup([Matrix<float>("U", 3, 3, 3)], null);
        var scheduler = EveryStepSchedule.Attach(muon);
        for (int t = 0; t < 3; t++)
        {
            muon.Step();
            scheduler.Step();
        }

        var scheduled = EveryStepSchedule.Values(muon);
        // A step that allocates allocates every time; the runtime now and then allocates once on the test's thread
        // (240 bytes, seen only around Muon's GEMM calls), so the ten steps get three tries to show none.
        long allocated = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int t = 0; t < 10; t++)
            {
                muon.Step();
                scheduler.Step();
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0)
            {
                break;
            }
        }

        Assert.Equal(0, allocated);
        EveryStepSchedule.AssertMoved(muon, scheduled);
    }

    [Fact]
    public void SaveAfterN_LoadIntoFreshObjects_ThenM_IsBitIdenticalToNPlusM()
    {
        static (Muon<double> Muon, Parameter<double>[] Parameters) Build(Parameter<double>[]? from)
        {
            Parameter<double>[] parameters = from is null
                ? [Matrix<double>("W", 4, 3, 1), Matrix<double>("V", 2, 5, 2)]
                : [.. from.Select(p => new Parameter<double>(p.Name, p.Value.ToArray(), [.. p.Shape]))];
            var muon = new Muon<double>([parameters[0]], new MuonOptions { LearningRate = 0.02 });
            muon.AddGroup([parameters[1]], muon.Defaults with { LearningRate = 0.01, Nesterov = false });
            return (muon, parameters);
        }

        static void Step(Muon<double> muon, Parameter<double>[] parameters, int t)
        {
            foreach (var p in parameters)
            {
                for (int i = 0; i < p.Length; i++)
                {
                    p.Gradient.Span[i] = p.Value.Span[i] + Math.Cos((0.7 * t) + i);
                }
            }

            muon.Step();
        }

        var straight = Build(null);
        var first = Build(null);
        for (int t = 0; t < 13; t++)
        {
            Step(straight.Muon, straight.Parameters, t);
            if (t < 7)
            {
                Step(first.Muon, first.Parameters, t);
            }
        }

        var resumed = Build(first.Parameters);
        resumed.Muon.LoadState(first.Muon.SaveState());
        for (int t = 7; t < 13; t++)
        {
            Step(resumed.Muon, resumed.Parameters, t);
        }

        for (int k = 0; k < 2; k++)
        {
            Assert.Equal(straight.Parameters[k].Value.ToArray(), resumed.Parameters[k].Value.ToArray());
        }
    }

    [Fact]
    public void Converges_OnAMatrixBowl_WithADecayingRate()
    {
        // ½‖W − W*‖²: Muon's step has a fixed size (the orthogonalised direction), so like PyTorch users we decay
        // the rate; with η_t = 0.1/√t and no weight decay it settles on W*.
        double[] target = [0.5, -1.0, 2.0, 0.25, 1.5, -0.75];
        var w = new Parameter<double>("W", new double[6], 2, 3);
        var muon = new Muon<double>([w], new MuonOptions { LearningRate = 0.1, WeightDecay = 0 });
        for (int t = 1; t <= 3000; t++)
        {
            muon.Groups[0].LearningRate = 0.1 / Math.Sqrt(t);
            for (int i = 0; i < 6; i++)
            {
                w.Gradient.Span[i] = w.Value.Span[i] - target[i];
            }

            muon.Step();
        }

        double distance = Math.Sqrt(target.Select((v, i) => Math.Pow(w.Value.Span[i] - v, 2)).Sum());
        Assert.True(distance < 1e-2, $"still {distance:E2} from W*");
    }

    [Fact]
    public void Catalog_BuildsMuonFromPyTorchsNames()
    {
        var options = (MuonOptions)OptimizerCatalog.Find("torch.optim.Muon").Options([new("lr", "0.02"), new("ns_steps", "3"), new("adjust_lr_fn", "match_rms_adamw")]);
        Assert.Equal(new MuonOptions { LearningRate = 0.02, NewtonSchulzSteps = 3, AdjustLearningRate = MuonLearningRateAdjustment.MatchRmsAdamW }, options);
        Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerCatalog.Find("muon").Options([new("ns_steps", "100")]));
    }

    private static Parameter<T> Matrix<T>(string name, int rows, int columns, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var p = new Parameter<T>(name, [.. Enumerable.Range(0, rows * columns).Select(_ => T.CreateTruncating(random.NextDouble() - 0.5))], rows, columns);
        for (int i = 0; i < p.Length; i++)
        {
            p.Gradient.Span[i] = T.CreateTruncating(random.NextDouble() - 0.5);
        }

        return p;
    }

    private static void AssertWithin<T>(int index, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var c = File.Value.RootElement.GetProperty("cases")[index];
        Assert.Equal("Muon", c.GetProperty("optimizer").GetString());
        var kwargs = c.GetProperty("kwargs");
        Assert.Equal(["lr"], kwargs.EnumerateObject().Select(p => p.Name));
        var parameters = GoldenReplay.Parameters<T>(c);
        var muon = new Muon<T>(parameters, new MuonOptions { LearningRate = kwargs.GetProperty("lr").GetDouble() });
        double worst = GoldenReplay.Replay(c, muon, parameters);
        Assert.True(worst <= tolerance, $"Muon ({typeof(T).Name}): max relative error {worst:E3}");
    }
}
