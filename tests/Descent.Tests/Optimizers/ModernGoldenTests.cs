using System.Numerics;
using System.Text.Json;
using Descent.Optimizers;
using Descent.Optimizers.Kernels;
using Descent.Testing;

namespace Descent.Tests.Optimizers;

/// <summary>
/// Every case of tests/goldens/optax/modern.json (the repository copy of the Optax recording) (Schedule-Free AdamW, Prodigy, ADOPT, AdEMAMix, Adan, MADGRAD),
/// replayed step by step by the shared replayer, built directly from the optimizers' classes with the arguments the case's call names.
/// </summary>
public class ModernGoldenTests
{
    private static readonly Lazy<JsonDocument> File = new(() => Goldens.Load("optax/modern.json"));

    public static TheoryData<int> Cases => [.. Enumerable.Range(0, File.Value.RootElement.GetProperty("cases").GetArrayLength())];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Double_MatchesOptax_Within1e10(int index) => AssertWithin<double>(index, 1e-10, KernelPath.Auto);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float_MatchesOptax_Within1e4(int index) => AssertWithin<float>(index, 1e-4, KernelPath.Auto);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ScalarReferencePath_MatchesOptax_Within1e10(int index) => AssertWithin<double>(index, 1e-10, KernelPath.Scalar);

    [Fact]
    public void ScheduleFreeAdamW_EvaluationPoint_IsOptaxsEvalParams_AndTheTrainingPointComesBackBitForBit()
    {
        var c = File.Value.RootElement.GetProperty("cases").EnumerateArray().First(e => e.TryGetProperty("eval_params", out _));
        var (optimizer, parameters) = Build<double>(c);
        foreach (var step in c.GetProperty("steps").EnumerateArray())
        {
            GoldenReplay.Feed(parameters, step.GetProperty("grads"));
            optimizer.Step();
        }

        double[][] training = [.. parameters.Select(p => p.Value.ToArray())];
        using (((IEvaluationPoint<double>)optimizer).UseEvaluationPoint())
        {
            double error = GoldenReplay.RelativeError(parameters, c.GetProperty("eval_params"));
            Assert.True(error <= 1e-10, $"eval_params: max relative error {error:E3}");
        }

        for (int k = 0; k < parameters.Length; k++)
        {
            Assert.Equal(training[k], parameters[k].Value.ToArray());
        }
    }

    private static void AssertWithin<T>(int index, double tolerance, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var c = File.Value.RootElement.GetProperty("cases")[index];
        var (optimizer, parameters) = Build<T>(c);
        PyTorchGoldenTests.Pin(optimizer, path);
        double worst = GoldenReplay.Replay(c, optimizer, parameters);
        Assert.True(worst <= tolerance, $"{c.GetProperty("optimizer").GetString()} ({typeof(T).Name}): max relative error {worst:E3}");
    }

    private static (IOptimizer<T> Optimizer, Parameter<T>[] Parameters) Build<T>(JsonElement c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var parameters = GoldenReplay.Parameters<T>(c);
        string call = c.GetProperty("optimizer").GetString()!;
        IOptimizer<T> optimizer = call switch
        {
            "optax.contrib.schedule_free_adamw(learning_rate=0.05,warmup_steps=5,weight_decay=0.01)" =>
                new ScheduleFreeAdamW<T>(parameters, new() { LearningRate = 0.05, WarmupSteps = 5, WeightDecay = 0.01 }),
            "optax.contrib.prodigy(learning_rate=1.0)" => new Prodigy<T>(parameters, new() { LearningRate = 1.0 }),
            "optax.contrib.adopt(learning_rate=0.05)" => new Adopt<T>(parameters, new() { LearningRate = 0.05 }),
            "optax.contrib.ademamix(learning_rate=0.05)" => new AdEMAMix<T>(parameters, new() { LearningRate = 0.05 }),
            "optax.adan(learning_rate=0.05)" => new Adan<T>(parameters, new() { LearningRate = 0.05 }),
            "optax.contrib.madgrad(learning_rate=0.05)" => new Madgrad<T>(parameters, new() { LearningRate = 0.05 }),
            _ => throw new InvalidOperationException($"modern.json has a case this test does not know: {call}"),
        };
        return (optimizer, parameters);
    }
}
