using Descent.Cli.Verification;
using Descent.Testing;

namespace Descent.Cli.Tests.Verification;

public class LbfgsSuiteTests
{
    private static List<GoldenResult> Lbfgs(string path, bool single = false) =>
        [.. new GoldenRunner().Run(path, new VerifySettings(Float: single)).Where(r => r.Case.StartsWith("LBFGS", StringComparison.Ordinal))];

    [Fact]
    public void BothPyTorchRuns_Pass_WithPointsLossesAndEvaluationCounts()
    {
        var results = Lbfgs(Goldens.PathOf("pytorch/optimizers.json"));
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.True(r.Passed && r.MaxRelativeError <= 1e-10, $"{r.Case}: {r.MaxRelativeError:E2} {r.Reason}"));
        Assert.Contains(results, r => r.Case.Contains("line_search_fn=strong_wolfe", StringComparison.Ordinal));
    }

    [Fact]
    public void UnderFloat_TheRunsAreCheckedInDouble_AndSaySo()
    {
        var results = Lbfgs(Goldens.PathOf("pytorch/optimizers.json"), single: true);
        Assert.Equal(2, results.Count);
        Assert.All(results, r =>
        {
            Assert.True(r.Passed, r.Case);
            Assert.Contains("[double:", r.Case, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void WrongEvaluationCount_OrUnknownFunction_FailsWithTheReason()
    {
        string path = Path.Combine(Path.GetTempPath(), $"lbfgs-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            {"lbfgs": [
              {"kwargs": {"lr": 1.0, "max_iter": 20}, "function": "rosenbrock a=1 b=100", "start": [-1.5, 2.0],
               "steps": [{"x": [-0.7817427682517829, 0.6141036968671132], "loss": 12.5, "evals": 19}]},
              {"kwargs": {"lr": 1.0}, "function": "himmelblau", "start": [0.0, 0.0],
               "steps": [{"x": [0.0, 0.0], "loss": 170.0, "evals": 1}]},
              {"kwargs": {"lr": 1.0, "line_search_fn": "backtracking"}, "function": "rosenbrock a=1 b=100", "start": [-1.5, 2.0],
               "steps": [{"x": [0.0, 0.0], "loss": 12.5, "evals": 1}]}
            ]}
            """);
        try
        {
            var results = Lbfgs(path);
            Assert.Equal(3, results.Count);
            Assert.All(results, r => Assert.False(r.Passed));
            Assert.Contains("step 1: 20 closure evaluations, PyTorch 19", results[0].Reason, StringComparison.Ordinal);
            Assert.Contains("unknown function 'himmelblau'", results[1].Reason, StringComparison.Ordinal);
            Assert.Contains("StrongWolfe", results[2].Reason, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
