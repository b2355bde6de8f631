using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

/// <summary>Muon for the matrices, AdamW for the rest, as one optimizer.</summary>
public class MatrixSplitOptimizerTests
{
    [Fact]
    public void RoutesMatricesToTheFirst_AndTheRestToTheSecond_AndSavesBothStates()
    {
        var (split, parameters) = Build(null);
        Assert.IsType<Muon<double>>(split.Matrices);
        Assert.IsType<AdamW<double>>(split.Rest);
        Assert.Equal(["W"], split.Matrices.ParameterGroups[0].ParameterNames);
        Assert.Equal(["b"], split.Rest.ParameterGroups[0].ParameterNames);
        Assert.Equal(2, split.ParameterGroups.Count);
        Run(split, parameters, 0, 5);
        var state = split.SaveState();
        Assert.Equal(["W", "b"], state.Parameters.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("momentum_buffer", state.Parameters["W"].Buffers.Keys);
        Assert.Contains("exp_avg", state.Parameters["b"].Buffers.Keys);
    }

    [Fact]
    public void SaveAfterN_LoadIntoFreshObjects_ThenM_IsBitIdenticalToNPlusM()
    {
        var straight = Build(null);
        Run(straight.Split, straight.Parameters, 0, 12);
        var first = Build(null);
        Run(first.Split, first.Parameters, 0, 5);
        var resumed = Build(first.Parameters);
        resumed.Split.LoadState(first.Split.SaveState());
        Run(resumed.Split, resumed.Parameters, 5, 12);
        for (int k = 0; k < 2; k++)
        {
            Assert.Equal(straight.Parameters[k].Value.ToArray(), resumed.Parameters[k].Value.ToArray());
        }
    }

    [Fact]
    public void AGroupWithTheWrongShapesForItsOptions_IsRejected()
    {
        var (split, _) = Build(null);
        var error = Assert.Throws<ArgumentException>(() => split.AddGroup([new Parameter<double>("c", new double[2])], new MuonOptions()));
        Assert.Contains("mixes shapes", error.Message, StringComparison.Ordinal);
        split.AddGroup([new Parameter<double>("c", new double[2])], null);
        Assert.Equal(3, split.ParameterGroups.Count);
    }

    private static (MatrixSplitOptimizer<double> Split, Parameter<double>[] Parameters) Build(Parameter<double>[]? from)
    {
        Parameter<double>[] parameters = from is null
            ? [new Parameter<double>("W", [0.5, -0.25, 1.0, 0.75, -1.5, 0.1], 2, 3), new Parameter<double>("b", [0.1, -0.2])]
            : [.. from.Select(p => new Parameter<double>(p.Name, p.Value.ToArray(), [.. p.Shape]))];
        var split = new MatrixSplitOptimizer<double>(
            parameters,
            matrices => new Muon<double>(matrices, new MuonOptions { LearningRate = 0.02 }),
            rest => new AdamW<double>(rest, new AdamWOptions { LearningRate = 1e-2 }));
        return (split, parameters);
    }

    private static void Run(MatrixSplitOptimizer<double> split, Parameter<double>[] parameters, int from, int to)
    {
        for (int t = from; t < to; t++)
        {
            foreach (var p in parameters)
            {
                for (int i = 0; i < p.Length; i++)
                {
                    p.Gradient.Span[i] = p.Value.Span[i] - Math.Sin(t + i);
                }
            }

            split.Step();
        }
    }
}
