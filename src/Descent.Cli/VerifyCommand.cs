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

    /// <summary>Runs the files and prints one line per case (and per empty section) and a summary.</summary>
    /// <param name="files">The files.</param>
    /// <param name="settings">How to run.</param>
    /// <param name="output">Where to print.</param>
    /// <returns>0 when every case passed, <see cref="Program.RunFailure"/> otherwise, <see cref="Program.UsageError"/> for a file that is not a goldens file.</returns>
    internal static int Run(IReadOnlyList<string> files, VerifySettings settings, TextWriter output)
    {
        var runner = new GoldenRunner();
        int passed = 0, failed = 0;
        foreach (string file in files)
        {
            IReadOnlyList<GoldenSection> sections;
            try
            {
                sections = runner.RunSections(file, settings);
            }
            catch (GoldenFileException e)
            {
                output.WriteLine($"error: {e.Message}");
                return Program.UsageError;
            }

            output.WriteLine(file);
            foreach (var section in sections)
            {
                if (section.Results.Count == 0)
                {
                    output.WriteLine($"  {section.Name}: 0 cases (the section is empty)");
                }

                foreach (var result in section.Results)
                {
                    output.WriteLine(Line(result));
                    _ = result.Passed ? passed++ : failed++;
                }
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{passed + failed} cases: {passed} passed, {failed} failed"));
        return failed == 0 ? 0 : Program.RunFailure;
    }

    private static string Line(GoldenResult result)
    {
        string error = double.IsNaN(result.MaxRelativeError) ? "-" : Numbers.Format(result.MaxRelativeError);
        string verdict = result.Passed ? "PASS" : "FAIL";
        string detail = result.Reason is not null ? $"  ({result.Reason})" : $"  (tolerance {Numbers.Format(result.Tolerance)})";
        return $"  {verdict}  {result.Case,-70}  max rel err {error,8}{detail}";
    }
}
