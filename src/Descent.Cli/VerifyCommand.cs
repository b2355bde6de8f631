using System.CommandLine;
using System.Globalization;
using Descent.Cli.Verification;

namespace Descent.Cli;

/// <summary><c>descent verify FILE...</c>: runs the library against reference files in the goldens schema.</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "Goldens-schema JSON files, e.g. tests/goldens/pytorch/optimizers.json",
            Arity = ArgumentArity.OneOrMore,
        };
        var single = new Option<bool>("--float")
        {
            Description = "Run every case in float at 1e-4 relative instead of double at 1e-10",
        };
        var command = new Command(
            "verify",
            "Replay reference trajectories (PyTorch, Optax, the book) through the library: one line per case with its largest relative error, PASS or FAIL; exit code 1 if any case fails.")
        {
            files,
            single,
        };
        command.SetAction(result => Run(
            result.GetValue(files) ?? [],
            new VerifySettings(result.GetValue(single)),
            result.InvocationConfiguration.Output));
        return command;
    }

    /// <summary>Runs the files and prints one line per case and a summary.</summary>
    /// <param name="files">The files.</param>
    /// <param name="settings">How to run.</param>
    /// <param name="output">Where to print.</param>
    /// <returns>0 when every case passed, <see cref="Program.RunFailure"/> otherwise.</returns>
    internal static int Run(IReadOnlyList<string> files, VerifySettings settings, TextWriter output)
    {
        var runner = new GoldenRunner();
        int passed = 0, failed = 0;
        foreach (string file in files)
        {
            output.WriteLine(file);
            foreach (var result in runner.Run(file, settings))
            {
                string error = double.IsNaN(result.MaxRelativeError)
                    ? "-"
                    : result.MaxRelativeError.ToString("0.0E+00", CultureInfo.InvariantCulture);
                string verdict = result.Passed ? "PASS" : "FAIL";
                string detail = result.Reason is not null
                    ? $"  ({result.Reason})"
                    : result.Passed ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"  (tolerance {result.Tolerance:0E+00})");
                output.WriteLine($"  {verdict}  {result.Case,-70}  max rel err {error,8}{detail}");
                _ = result.Passed ? passed++ : failed++;
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{passed + failed} cases: {passed} passed, {failed} failed"));
        return failed == 0 ? 0 : Program.RunFailure;
    }
}
