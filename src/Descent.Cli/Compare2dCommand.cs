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
        var optimizers = LabOptions.Optimizers("--optimizer adam:lr=0.3 --optimizer sgd:lr=0.95 (default: SGD, Momentum, AdaGrad and Adam at rates measured to converge on the function; the book's on the bowl)");
        var start = new Option<string?>("--start") { Description = "Start point X,Y (default: the function's customary start, (-7, 2) for the bowl).", HelpName = "X,Y" };
        var steps = LabOptions.OptionalNumber<int>(
            "--steps",
            "Number of updates (default: the function's: 30 on the bowl as in the book, "
                + string.Join(", ", TestFunction.All.Skip(1).Select(f => string.Create(CultureInfo.InvariantCulture, $"{TwoDDefaults.For(f).Steps} on {f.Name}"))) + ").",
            v => v > 0,
            "a positive integer");
        var conventions = LabOptions.ConventionsOption();
        var output = LabOptions.Out();
        var seeds = LabOptions.OptionalNumber<int>(
            "--seeds",
            "Runs per optimizer from random starts: seed s = --seed, --seed+1, ... draws the start uniformly from the box around the start "
                + "whose half-widths are a tenth of the plotted x and y ranges. Plots show the median f with a min–max band and every path lightly; the table mean ± std.",
            v => v is >= 1 and <= 1000,
            "an integer from 1 to 1000",
            "K");
        var seed = LabOptions.Seed();
        var target = LabOptions.OptionalNumber<double>(
            "--target", "With --seeds: report the steps each optimizer needs until f ≤ this value.", double.IsFinite, "a finite number", "F");

        var command = new Command("compare-2d", "Run optimizers on a 2-D function and draw their paths over its contours (the book's figure 6-8).")
        {
            function, optimizers, start, steps, conventions, output, seeds, seed, target,
        };
        command.SetAction(parse =>
        {
            using var interruption = new Interruption(console);
            var f = TestFunction.Get(parse.GetValue(function)!);
            var (x, y) = parse.GetValue(start) is { } s ? LabOptions.ParsePoint(s, "--start") : f.Start;
            var convention = LabOptions.ParseConventions(parse.GetValue(conventions)!);
            var defaults = TwoDDefaults.For(f);
            var texts = parse.GetValue(optimizers);
            var specs = texts is { Length: > 0 } ? OptimizerSpec.WithUniqueLabels([.. texts.Select(OptimizerSpec.Parse)]) : defaults.Specs(convention);
            int n = parse.GetValue(steps) ?? defaults.Steps;
            int? k = parse.GetValue(seeds);
            long first = parse.GetValue(seed);
            if (k is null && (parse.GetResult(seed) is { Implicit: false } || parse.GetValue(target) is not null))
            {
                throw new UsageException("--seed and --target go with --seeds K (random starts); without it compare-2d starts every optimizer at --start and draws nothing at random.");
            }

            if (k is { } count && first + count - 1 > uint.MaxValue)
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--seed {first} with --seeds {count} would use seeds past {uint.MaxValue} (NumPy's range)."));
            }
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
                Seed = k is null ? null : first,
                TwoD = k is { } repeats
                    ? TwoDSeeds.Run(f, (x, y), n, specs, convention, first, repeats, parse.GetValue(target), interruption.Token)
                    : TwoDExperiment.Run(f, (x, y), n, specs, convention, interruption.Token),
            };
            if (k is { } repeatCount)
            {
                record.Settings["seeds"] = string.Create(CultureInfo.InvariantCulture, $"{repeatCount} (seeds {first}..{first + repeatCount - 1}; starts drawn from ({x} ± {TwoDSeeds.BoxFraction * (f.XRange.Max - f.XRange.Min)}, {y} ± {TwoDSeeds.BoxFraction * (f.YRange.Max - f.YRange.Min)}))");
            }

            return RunOutput.Conclude(console, record, RunFolder.CreateOrDefault(parse.GetValue(output)), interruption);
        });
        return command;
    }
}
