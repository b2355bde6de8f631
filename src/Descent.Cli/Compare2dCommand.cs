using System.CommandLine;
using System.Globalization;
using Descent.Cli.Lab;
using Descent.Functions;
using Spectre.Console;

namespace Descent.Cli;

/// <summary><c>descent compare-2d</c>: any optimizers on a function of two variables, trajectories over its contours.</summary>
internal static class Compare2dCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var function = LabOptions.Choice(
            "--function",
            "The landscape: " + string.Join(", ", TestFunction.All.Select(f => $"{f.Name} ({f.Formula})")) + ".",
            "bowl",
            LabOptions.FunctionNames,
            "-f");
        var optimizers = LabOptions.Optimizers("--optimizer adam:lr=0.3 --optimizer sgd:lr=0.95 (default: the book's four)");
        var start = new Option<string?>("--start") { Description = "Start point X,Y (default: the function's customary start, (-7, 2) for the bowl).", HelpName = "X,Y" };
        var steps = LabOptions.Positive("--steps", "Number of updates.", TwoDExperiment.BookSteps);
        var conventions = LabOptions.ConventionsOption();
        var output = LabOptions.Out();

        var command = new Command("compare-2d", "Run optimizers on a 2-D function and draw their paths over its contours (the book's figure 6-8).")
        {
            function, optimizers, start, steps, conventions, output,
        };
        command.SetAction(parse =>
        {
            using var interruption = new Interruption(console);
            var f = TestFunction.Get(parse.GetValue(function)!);
            var (x, y) = parse.GetValue(start) is { } s ? LabOptions.ParsePoint(s, "--start") : f.Start;
            var convention = LabOptions.ParseConventions(parse.GetValue(conventions)!);
            var specs = Specs(parse.GetValue(optimizers), convention);
            int n = parse.GetValue(steps);
            var record = new RunRecord
            {
                Command = "compare-2d",
                Created = RunOutput.Now(),
                Settings =
                {
                    ["function"] = f.ToString(),
                    ["start"] = string.Create(CultureInfo.InvariantCulture, $"{x}, {y}"),
                    ["steps"] = n.ToString(CultureInfo.InvariantCulture),
                    ["conventions"] = convention.ToString(),
                    ["optimizers"] = string.Join("  ", specs.Select(o => o.Text)),
                },
                TwoD = TwoDExperiment.Run(f, (x, y), n, specs, convention, interruption.Token),
            };
            return RunOutput.Conclude(console, record, RunFolder.CreateOrDefault(parse.GetValue(output)), interruption);
        });
        return command;
    }

    /// <summary>The user's specs, or the book's four (in PyTorch conventions, the torch.optim equivalents).</summary>
    public static IReadOnlyList<OptimizerSpec> Specs(string[]? texts, Conventions conventions)
    {
        if (texts is { Length: > 0 })
        {
            return OptimizerSpec.WithUniqueLabels([.. texts.Select(OptimizerSpec.Parse)]);
        }

        return conventions == Conventions.Book
            ? TwoDExperiment.BookOptimizers
            : [
                OptimizerSpec.Parse("sgd:lr=0.95,label=SGD"),
                OptimizerSpec.Parse("sgd:lr=0.1,momentum=0.9,label=Momentum"),
                OptimizerSpec.Parse("adagrad:lr=1.5,label=AdaGrad"),
                OptimizerSpec.Parse("adam:lr=0.3,label=Adam"),
            ];
    }
}
