using Descent.Cli.Verification;
using Descent.Testing;

namespace Descent.Cli.Tests.Verification;

public class ScheduleVerifyTests
{
    [Fact]
    public void Verify_OnTheSchedulersFile_PassesEverySchedulerAndClipCase()
    {
        var output = new StringWriter();
        int code = VerifyCommand.Run([Goldens.PathOf("pytorch/schedulers.json")], new VerifySettings(), output);
        string text = output.ToString();
        Assert.Equal(0, code);
        Assert.Contains("16 cases: 16 passed, 0 failed", text, StringComparison.Ordinal);
        Assert.Matches(@"PASS  OneCycleLR\(max_lr=1\.0,total_steps=60\) +max rel err", text);
        Assert.Matches(@"PASS  clip_grad_norm_ max_norm=0\.5, norm_type=inf +max rel err", text);
        Assert.Matches(@"PASS  clip_grad_value_ clip_value=0\.5 +max rel err", text);
    }

    [Fact]
    public void EveryCase_IsWithin1e12()
    {
        var results = new GoldenRunner().Run(Goldens.PathOf("pytorch/schedulers.json"), new VerifySettings()).ToList();
        Assert.Equal(16, results.Count);
        Assert.All(results, r => Assert.True(r.Passed && r.Tolerance <= 1e-12, $"{r.Case}: {r.MaxRelativeError:E2} {r.Reason}"));
    }

    [Fact]
    public void ClipCases_InFloat_Pass()
    {
        var results = new GoldenRunner().Run(Goldens.PathOf("pytorch/schedulers.json"), new VerifySettings(Float: true))
            .Where(r => r.Case.StartsWith("clip", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, results.Count);
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Case}: {r.MaxRelativeError:E2}"));
    }

    [Fact]
    public void UnknownScheduleOrWrongValues_AreFailsWithTheReason()
    {
        string path = Path.Combine(Path.GetTempPath(), $"verify-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            {"cases": [
              {"scheduler": "WarpLR(speed=9)", "base_lr": 0.1, "optimizer": "SGD(momentum=0.9)", "lr_before_each_step": [0.1]},
              {"scheduler": "StepLR(step_size=1,gamma=0.5)", "base_lr": 0.1, "optimizer": "SGD(momentum=0.9)", "lr_before_each_step": [0.1, 0.05]},
              {"scheduler": "StepLR(step_size=1,gamma=0.5)", "base_lr": 0.1, "optimizer": "SGD(momentum=0.9)", "lr_before_each_step": [0.1, 0.07]}
            ],
            "clip": [{"clip_value": 1.0, "grads": [[2.0, -0.5]], "clipped": [[1.0, -0.5]]}]}
            """);
        try
        {
            var results = new GoldenRunner().Run(path, new VerifySettings()).ToList();
            Assert.Equal(4, results.Count);
            Assert.False(results[0].Passed);
            Assert.Contains("Unknown schedule 'WarpLR'", results[0].Reason, StringComparison.Ordinal);
            Assert.True(results[1].Passed);
            Assert.False(results[2].Passed);
            Assert.Null(results[2].Reason);
            Assert.True(results[3].Passed);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
