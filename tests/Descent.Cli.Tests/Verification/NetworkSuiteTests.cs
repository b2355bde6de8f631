using Descent.Cli.Verification;
using Descent.Testing;

namespace Descent.Cli.Tests.Verification;

public class NetworkSuiteTests
{
    [Fact]
    public void PyTorchNetworks_EveryCasePasses_InDouble()
    {
        var results = new GoldenRunner().Run(Goldens.PathOf("pytorch/networks.json"), new VerifySettings()).ToList();
        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.True(r.Passed && r.Tolerance == 1e-10, $"{r.Case}: {r.Reason ?? r.MaxRelativeError.ToString("E2", System.Globalization.CultureInfo.InvariantCulture)}"));
        Assert.Contains(results, r => r.Case == "network Linear-BatchNorm1d-ReLU-Linear-ReLU-Linear SGD(lr=0.1,momentum=0.9)");
    }

    [Fact]
    public void PyTorchNetworks_InFloat_PassAt1e4()
    {
        var results = new GoldenRunner().Run(Goldens.PathOf("pytorch/networks.json"), new VerifySettings(Float: true)).ToList();
        Assert.All(results, r => Assert.True(r.Passed && r.Tolerance == 1e-4, $"{r.Case}: {r.MaxRelativeError:E2}"));
    }

    [Fact]
    public void Verify_OnNetworks_ExitsZero()
    {
        var output = new StringWriter();
        int code = VerifyCommand.Run([Goldens.PathOf("pytorch/networks.json")], new VerifySettings(), output);
        Assert.Equal(0, code);
        Assert.Contains("3 cases: 3 passed, 0 failed", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownModule_IsAFailWithTheReason()
    {
        string path = Path.Combine(Path.GetTempPath(), $"verify-net-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            {"cases": [{"layers": ["Linear", "GELU"], "optimizer": "SGD(lr=0.1)", "X": [1.0, 2.0], "X_shape": [1, 2], "y": [0],
              "init_state": {"0.weight": [1.0, 0.5, 0.0, 1.0], "0.bias": [0.0, 0.0]},
              "loss_before_each_step": [0.5], "final_state": {}, "eval_logits_after": [0.0, 0.0]}]}
            """);
        try
        {
            var result = Assert.Single(new GoldenRunner().Run(path, new VerifySettings()));
            Assert.False(result.Passed);
            Assert.Contains("'GELU'; supported modules are Linear, BatchNorm1d, ReLU, Tanh, Sigmoid", result.Reason, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
