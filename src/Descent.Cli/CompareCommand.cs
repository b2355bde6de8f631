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
        var mnist = new MnistOptions();
        var steps = LabOptions.Positive("--steps", "Updates in the 2-D experiment.", TwoDExperiment.BookSteps);
        var reproduce = CompareMnistCommand.ReproduceOption();
        var check = CompareMnistCommand.CheckOption();
        var output = LabOptions.Out();
        var seeds = new SeedOptions();
        var timingsOption = new Option<bool>("--timings")
        {
            Description = "Print where the time went: start-up (process start to the first line of work), the 2-D part, training, data files, plots, report, and the peak memory.",
        };
        var command = LabOptions.CommandWith(
            "compare",
            "Reproduce the book's comparison (ch. 6.1): SGD, Momentum, AdaGrad and Adam on f(x, y) = x²/20 + y² (figure 6-8) "
            + "and training the 784-100-100-100-100-10 network on MNIST (figure 6-9), with a summary table and report.html.",
            mnist.All.Concat([steps, reproduce, check, output, timingsOption]).Concat(seeds.All));

        command.SetAction(parse =>
        {
            using var interruption = new Interruption(console);
            var timings = new PhaseTimings();
            var f = TestFunction.Bowl;
            int n = parse.GetValue(steps);
            var twoD = timings.Time("2d", () => TwoDExperiment.Run(f, f.Start, n, TwoDExperiment.BookOptimizers, Conventions.Book, interruption.Token));
            var record = timings.Time("train", () => CompareMnistCommand.Execute(console, parse, mnist, seeds, "compare", null, Conventions.Book, parse.GetValue(reproduce), parse.GetValue(check), interruption.Token));
            record.TwoD = twoD;
            record.Settings["2-D function"] = f.ToString();
            record.Settings["2-D start, steps"] = string.Create(CultureInfo.InvariantCulture, $"({f.Start.X}, {f.Start.Y}), {n}");
            record.Settings["2-D optimizers"] = string.Join("  ", TwoDExperiment.BookOptimizers.Select(o => o.Text));
            return RunOutput.Conclude(console, record, RunFolder.CreateOrDefault(parse.GetValue(output)), interruption, timings, parse.GetValue(timingsOption));
        });
        return command;
    }
}
