namespace Descent.Cli.Tests;

/// <summary>
/// Malformed, out-of-range and conflicting input never crashes the CLI: it exits 2 with one line naming the option,
/// the value and what is allowed, and nothing is written.
/// </summary>
public class BadInputTests
{
    public static TheoryData<string[], string> Cases => new()
    {
        { ["compare-2d", "--steps", "abc"], "--steps must be a positive integer; got 'abc'" },
        { ["compare-2d", "--steps", "99999999999"], "--steps must be a positive integer; got '99999999999'" },
        { ["compare-2d", "--steps", "-3"], "--steps must be a positive integer; got '-3'" },
        { ["compare-mnist", "--iterations", "3.5"], "--iterations must be a positive integer; got '3.5'" },
        { ["compare-mnist", "--batch-size", "1e2"], "--batch-size must be a positive integer; got '1e2'" },
        { ["compare-mnist", "--seed", "x"], "--seed must be an integer from 0 to 4294967295" },
        { ["train", "--seed", "-1"], "--seed must be an integer from 0 to 4294967295 (NumPy's range); got '-1'" },
        { ["compare-mnist", "--dropout", "abc"], "--dropout must be a probability in [0, 1); got 'abc'" },
        { ["compare-mnist", "--dropout", "1"], "--dropout must be a probability in [0, 1); got '1'" },
        { ["compare", "--threads", "x"], "--threads must be a positive integer; got 'x'" },
        { ["compare-mnist", "--epochs", "x"], "--epochs must be a number of passes above 0 and below 1e6; got 'x'" },
        { ["compare-mnist", "--weight-decay", "nan"], "--weight-decay must be a finite number ≥ 0; got 'nan'" },
        { ["train", "--checkpoint-every", "x"], "--checkpoint-every must be an integer ≥ 0; got 'x'" },
        { ["compare-mnist", "--iterations", "5", "--epochs", "1"], "--iterations 5 and --epochs 1 both set the run's length; give one of them" },
        { ["compare-mnist", "--hidden", "100,,100"], "--hidden '100,,100': width 2 is empty" },
        { ["compare-mnist", "--hidden", "100,abc"], "'abc' is not a layer width" },
        { ["compare-mnist", "--activation", "gelu"], "--activation 'gelu' is not one of: relu, sigmoid, tanh" },
        { ["compare-mnist", "--precision", "half"], "--precision 'half' is not one of: float, double" },
        { ["compare-2d", "--conventions", "keras"], "--conventions 'keras' is not one of: book, pytorch" },
        { ["compare-2d", "-f", "banana"], "--function 'banana' is not one of: bowl, rosenbrock, beale, himmelblau, rastrigin, saddle" },
        { ["compare-2d", "--start", "1,nan"], "--start '1,nan' is not a point" },
        { ["compare-2d", "-o", "adam:betas=[0.9,0.99"], "opens a bracket it does not close" },
        { ["compare-2d", "-o", "adam:betas=[0.9,0.99]]"], "closes a bracket it did not open" },
        { ["compare-2d", "-o", "adam:betas=[[0.9,0.99]]"], "Option 'betas' of BookAdam takes one flat list of numbers, like [0.9, 0.999]; got '[[0.9,0.99]]'" },
        { ["compare-2d", "-o", "adam:lr=1e-400"], "Option 'lr' of BookAdam: '1e-400' is too small for a double and would become 0" },
        { ["compare-2d", "-o", "Adam:lr=1e400"], "LearningRate must be a finite number ≥ 0; got Infinity." },
        { ["compare-2d", "-o", "adam:lr=abc"], "Option 'lr' of BookAdam takes a number; got 'abc'" },
        { ["compare-mnist", "--schedule", "StepLR(step_size=abc)"], "--schedule 'StepLR(step_size=abc)'" },
        { ["compare-mnist", "--init", "abc"], "--init: Weight init 'abc' is not one of" },
        { ["compre"], "'compre' is not a command of descent; did you mean compare?" },
        { ["trian"], "did you mean train?" },
        { ["data", "downlod", "mnist"], "'downlod' is not a command of descent data; did you mean download?" },
        { ["data", "download", "MNISTT"], "dataset 'MNISTT' is not one of: mnist, fashion-mnist" },
        { ["data", "download", "mnist", "--mirror", "ftp://x"], "--mirror: 'ftp://x' is not an http:// or https:// address" },
        { ["compare-2d", "--frobnicate"], "Unrecognized command or argument '--frobnicate'. (see descent compare-2d --help)" },
        { ["train", "--resume", "/nonexistent/run"], "--resume '/nonexistent/run': no checkpoint there" },
        { ["plot", "/nonexistent/run"], "is not a run folder" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadInput_ExitsTwo_WithOneLineNamingTheProblem(string[] args, string expected)
    {
        string folder = LabConsole.TempFolder();
        string output = Path.Combine(folder, "run");
        string[] withOut = args[0] is "compare" or "compare-2d" or "compare-mnist" or "train" ? [.. args, "--out", output] : args;
        var (code, text) = LabConsole.Run(withOut);
        Assert.Equal(Program.UsageError, code);
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output), "a rejected command wrote a run folder");
    }

    [Fact]
    public void Names_CompareCaseInsensitively()
    {
        string folder = Path.Combine(LabConsole.TempFolder(), "run");
        var (code, output) = LabConsole.Run("compare-2d", "-f", "Rosenbrock", "--steps", "2", "--conventions", "PyTorch", "--out", folder);
        Assert.True(code == 0, output);
        Assert.Contains("rosenbrock", File.ReadAllText(Path.Combine(folder, "run.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void BareDescent_PrintsHelpWithTheExitCodes()
    {
        var (code, output) = LabConsole.Run();
        Assert.Equal(0, code);
        Assert.Contains("Usage:\n  descent [command] [options]", output.Replace("\r", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains(Program.ExitCodes, output.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("Descent.Cli", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ExitCodeTable_IsTheSameInHelpAndReadme()
    {
        string readme = File.ReadAllText(Path.Combine(Testing.Goldens.RepositoryRoot, "README.md")).ReplaceLineEndings(" ");
        Assert.Contains(Program.ExitCodes, readme, StringComparison.Ordinal);
    }

    [Fact]
    public void ResumeBelowTheCheckpointsStep_IsRefused()
    {
        string folder = Path.Combine(LabConsole.TempFolder(), "run");
        var (code, output) = LabConsole.Run("train", "--iterations", "3", "--hidden", "8", "--checkpoint-every", "0", "--out", folder);
        Assert.True(code == 0, output);
        (code, output) = LabConsole.Run("train", "--resume", folder, "--iterations", "2");
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("--iterations 2 is below the checkpoint's step 3", output, StringComparison.Ordinal);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
