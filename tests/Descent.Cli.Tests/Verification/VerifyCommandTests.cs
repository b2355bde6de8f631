using Descent.Cli.Verification;
using Descent.Optimizers;
using Descent.Testing;

namespace Descent.Cli.Tests.Verification;

public class VerifyCommandTests
{
    [Fact]
    public void PyTorchOptimizers_EveryCase_Passes_IncludingGroupsAndBothLbfgsRuns()
    {
        var results = new GoldenRunner().Run(Goldens.PathOf("pytorch/optimizers.json"), new VerifySettings()).ToList();
        Assert.Equal(24, results.Count);
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Case}: {r.Reason ?? r.MaxRelativeError.ToString("E2", System.Globalization.CultureInfo.InvariantCulture)}"));
        Assert.Equal(2, results.Count(r => r.Case.StartsWith("LBFGS", StringComparison.Ordinal)));
        Assert.Contains(results, r => r.Case.Contains("groups", StringComparison.Ordinal));
    }

    [Fact]
    public void PyTorchOptimizers_InFloat_PassAt1e4()
    {
        var results = new GoldenRunner().Run(Goldens.PathOf("pytorch/optimizers.json"), new VerifySettings(Float: true))
            .Where(r => !r.Case.StartsWith("LBFGS", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.True(r.Passed && r.Tolerance == 1e-4, $"{r.Case}: {r.MaxRelativeError:E2}"));
    }

    [Fact]
    public void Verify_OnTheBookTrajectories_PrintsOneLinePerCase_AndExitsZero()
    {
        var output = new StringWriter();
        var config = new System.CommandLine.InvocationConfiguration { Output = output };
        int code = Program.BuildRoot().Parse(["verify", Goldens.PathOf("book/naive_trajectories.json")]).Invoke(config);
        string text = output.ToString();
        Assert.Equal(0, code);
        Assert.Equal(6, text.Split('\n').Count(l => l.TrimStart().StartsWith("PASS", StringComparison.Ordinal)));
        Assert.Contains("BookAdam lr=0.3, beta1=0.9, beta2=0.999", text, StringComparison.Ordinal);
        Assert.Contains("6 cases: 6 passed, 0 failed", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_OnPyTorchOptimizers_PrintsEachCaseWithItsError()
    {
        var output = new StringWriter();
        int code = VerifyCommand.Run([Goldens.PathOf("pytorch/optimizers.json")], new VerifySettings(), output);
        string text = output.ToString();
        Assert.Matches(@"PASS  Adam lr=0\.1, amsgrad=true +max rel err +(0|\d(\.\d)?e-\d\d)  \(tolerance 1e-10\)", text);
        Assert.Matches(@"PASS  SGD lr=0\.1, momentum=0\.9; groups \{params=\[0, 2\]\} \{params=\[1\], lr=0\.01, momentum=0\.5\}", text);
        Assert.Contains("24 cases: 24 passed, 0 failed", text, StringComparison.Ordinal);
        Assert.Equal(0, code);
    }

    [Fact]
    public void UnknownOptimizerOrOption_IsAFailWithTheReason_NeverSkipped()
    {
        string path = Path.Combine(Path.GetTempPath(), $"verify-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            {"cases": [
              {"optimizer": "Adamm", "kwargs": {"lr": 0.1}, "groups": null, "init": [[1.0]], "shapes": [[1]], "steps": [{"grads": [[1.0]], "params": [[0.9]]}]},
              {"optimizer": "SGD", "kwargs": {"lr": 0.1, "foo": 1}, "groups": null, "init": [[1.0]], "shapes": [[1]], "steps": [{"grads": [[1.0]], "params": [[0.9]]}]},
              {"optimizer": "SGD", "kwargs": {"lr": 0.1}, "groups": null, "init": [[1.0]], "shapes": [[1]], "steps": [{"grads": [[1.0]], "params": [[0.9]]}]},
              {"optimizer": "SGD", "kwargs": {"lr": 0.1}, "groups": null, "init": [[1.0]], "shapes": [[1]], "steps": [{"grads": [[1.0]], "params": [[0.8]]}]}
            ],
            "mystery": {"x": 1}}
            """);
        try
        {
            var output = new StringWriter();
            int code = VerifyCommand.Run([path], new VerifySettings(), output);
            string text = output.ToString();
            Assert.Equal(Program.RunFailure, code);
            Assert.Contains("FAIL  Adamm lr=0.1", text, StringComparison.Ordinal);
            Assert.Contains("Unknown optimizer 'Adamm'. Valid: SGD", text, StringComparison.Ordinal);
            Assert.Contains("SGD has no option 'foo'. Valid: lr, momentum", text, StringComparison.Ordinal);
            Assert.Contains("PASS  SGD lr=0.1 ", text, StringComparison.Ordinal);
            Assert.Contains("(tolerance 1e-10)", text, StringComparison.Ordinal);
            Assert.Contains("no suite runs section 'mystery'", text, StringComparison.Ordinal);
            Assert.Contains("5 cases: 1 passed, 4 failed", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Verify_OnOptaxOptimizers_ParsesEachCallAndPassesAllFour()
    {
        var output = new StringWriter();
        int code = VerifyCommand.Run([Goldens.PathOf("optax/optimizers.json")], new VerifySettings(), output);
        string text = output.ToString();
        Assert.Equal(0, code);
        Assert.Matches(@"PASS  optax\.lion\(learning_rate=0\.01,b1=0\.9,b2=0\.99,weight_decay=0\.1\) +max rel err", text);
        Assert.Matches(@"PASS  optax\.lamb\(learning_rate=0\.05,weight_decay=0\.01\) +max rel err", text);
        Assert.Contains("4 cases: 4 passed, 0 failed", text, StringComparison.Ordinal);
        var single = new GoldenRunner().Run(Goldens.PathOf("optax/optimizers.json"), new VerifySettings(Float: true)).ToList();
        Assert.Equal(4, single.Count);
        Assert.All(single, r => Assert.True(r.Passed && r.Tolerance == 1e-4, $"{r.Case}: {r.MaxRelativeError:E2} {r.Reason}"));
    }

    [Fact]
    public void Verify_OnTheModernOptimizersAndMuon_PassesEveryCase_InDoubleAndFloat()
    {
        string[] files = [Goldens.PathOf("optax/modern.json"), Goldens.PathOf("pytorch/muon.json")];
        var output = new StringWriter();
        int code = VerifyCommand.Run(files, new VerifySettings(), output);
        string text = output.ToString();
        Assert.Equal(0, code);
        Assert.Matches(@"PASS  optax\.contrib\.schedule_free_adamw\(learning_rate=0\.05,warmup_steps=5,weight_decay=0\.01\) +max rel err", text);
        Assert.Matches(@"PASS  Muon lr=0\.02 +max rel err", text);
        Assert.Contains("7 cases: 7 passed, 0 failed", text, StringComparison.Ordinal);
        var single = files.SelectMany(f => new GoldenRunner().Run(f, new VerifySettings(Float: true))).ToList();
        Assert.Equal(7, single.Count);
        Assert.All(single, r => Assert.True(r.Passed && r.Tolerance == 1e-4, $"{r.Case}: {r.MaxRelativeError:E2} {r.Reason}"));
    }

    [Theory]
    [InlineData("missing", "does not exist")]
    [InlineData("# A README, not JSON", "is not a goldens file: it is not JSON")]
    [InlineData("[1, 2, 3]", "is not a goldens file: its top level is not a JSON object")]
    [InlineData("{\"name\": \"x\", \"items\": [1]}", "is not a goldens file: none of its sections (name, items)")]
    [InlineData("{\"meta\": {}}", "is not a goldens file: it has no sections")]
    public void AFileThatIsNotAGoldensFile_IsOneLineUsageError(string content, string expected)
    {
        string path = Path.Combine(Path.GetTempPath(), $"verify-{Guid.NewGuid():N}.json");
        if (content != "missing")
        {
            File.WriteAllText(path, content);
        }

        try
        {
            var (code, output) = LabConsole.Run("verify", path);
            Assert.Equal(Program.UsageError, code);
            Assert.Contains(expected, output, StringComparison.Ordinal);
            Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AnEmptySection_HasZeroCases_AndTheOthersRun()
    {
        string path = Path.Combine(Path.GetTempPath(), $"verify-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            {"cases": [{"scheduler": "StepLR(step_size=1,gamma=0.5)", "base_lr": 0.1, "optimizer": "SGD(momentum=0.9)", "lr_before_each_step": [0.1, 0.05]}],
             "clip": []}
            """);
        try
        {
            var (code, output) = LabConsole.Run("verify", path);
            Assert.Equal(0, code);
            Assert.Contains("clip: 0 cases", output, StringComparison.Ordinal);
            Assert.Contains("PASS  StepLR", output, StringComparison.Ordinal);
            Assert.Contains("1 cases: 1 passed, 0 failed", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Catalog_IsWhatVerifyUses()
    {
        Assert.True(OptimizerCatalog.TryFind("RMSprop", out _));
        Assert.Contains(new GoldenRunner().Run(Goldens.PathOf("pytorch/optimizers.json"), new VerifySettings()), r => r.Case.StartsWith("RMSprop", StringComparison.Ordinal) && r.Passed);
    }
}
