using System.CommandLine;
using System.Globalization;
using Descent.Cli.Lab;
using Descent.Functions;
using Spectre.Console;

namespace Descent.Cli;

/// <summary><c>descent compare</c>: the book's 2-D and MNIST comparisons on the bundled data.</summary>
internal static class CompareCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var output = LabOptions.Out();
        var command = new Command("compare", "Reproduce the book's comparison: 2-D trajectories and MNIST loss curves for SGD, Momentum, AdaGrad and Adam.")
        {
            output,
        };
        command.SetAction(parse =>
        {
            var f = TestFunction.Bowl;
            var record = new RunRecord
            {
                Command = "compare",
                Created = RunOutput.Now(),
                Settings =
                {
                    ["2-D function"] = f.ToString(),
                    ["2-D steps"] = TwoDExperiment.BookSteps.ToString(CultureInfo.InvariantCulture),
                    ["2-D optimizers"] = string.Join("  ", TwoDExperiment.BookOptimizers.Select(o => o.Text)),
                },
                TwoD = TwoDExperiment.Run(f, f.Start, TwoDExperiment.BookSteps, TwoDExperiment.BookOptimizers, Conventions.Book),
            };
            RunOutput.Finish(console, record, RunFolder.CreateOrDefault(parse.GetValue(output)));
            return 0;
        });
        return command;
    }
}
