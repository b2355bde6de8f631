using System.CommandLine;
using System.Globalization;
using System.Text;
using Descent.Cli.Lab;
using Spectre.Console;

namespace Descent.Cli.Tuning;

/// <summary><c>descent lr-find</c>: the learning-rate range test on the MNIST network, with a suggested rate.</summary>
internal static class LrFindCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var mnist = new MnistOptions();
        var optimizer = LabOptions.Optimizer("The optimizer whose rate to find, NAME[:KEY=VALUE,...] (its lr is replaced by the sweep).", "adam");
        var min = Rate("--min", "The first learning rate.", 1e-7);
        var max = Rate("--max", "The last learning rate (the run stops earlier when the loss explodes).", 10);
        var steps = LabOptions.WithValidator(
            new Option<int>("--steps") { Description = "Steps of the sweep (the rate is multiplied by a constant each step).", DefaultValueFactory = _ => 100 },
            v => v is >= 5 and <= 100_000 ? null : $"--steps must be an integer from 5 to 100000; got {v}.");
        var conventions = LabOptions.ConventionsOption();
        var output = LabOptions.Out();
        var command = LabOptions.CommandWith(
            "lr-find",
            "Learning-rate range test (Smith 2017, fastai's lr_find): one run with the rate growing exponentially from --min to --max; plots loss against rate and suggests a rate.",
            new Option[] { mnist.Hidden, mnist.Activation, mnist.Init, mnist.BatchSize, mnist.WeightDecay, mnist.Seed, mnist.Precision, mnist.NoFlushDenormals, optimizer, min, max, steps, conventions, output }.Concat(mnist.DataSource.All));

        command.SetAction(parse =>
        {
            var convention = LabOptions.ParseConventions(parse.GetValue(conventions)!);
            var spec = OptimizerSpec.Parse(parse.GetValue(optimizer)!);
            LabOptimizers.Validate([spec], convention);
            double low = parse.GetValue(min), high = parse.GetValue(max);
            if (low >= high)
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--min {low} must be below --max {high}."));
            }

            var data = LabDataLoader.LoadFrom(mnist.DataSource.Read(parse));
            var settings = mnist.Settings(parse, convention, data);
            int n = parse.GetValue(steps);
            var result = mnist.IsDouble(parse)
                ? LrFinder.Run<double>(data, settings, spec, low, high, n)
                : LrFinder.Run<float>(data, settings, spec, low, high, n);
            var folder = RunFolder.CreateOrDefault(parse.GetValue(output));
            Save(result, spec, settings, folder);
            console.MarkupLineInterpolated($"{spec.Name} on {settings.NetworkDescription}, batch {settings.BatchSize}, seed {settings.Seed}: {result.Losses.Length} steps from {R(low)} to {R(result.Rates[^1])}{(result.Stopped is int s ? $", stopped at step {s} (the loss exploded)" : string.Empty)}.");
            console.MarkupLineInterpolated($"Suggested learning rate: [bold]{R(result.Rates[result.Valley])}[/] (valley); steepest descent at {R(result.Rates[result.Steepest])}.");
            console.MarkupLineInterpolated($"Plot: [bold]{folder.File("lr_find.png")}[/]");
            return 0;
        });
        return command;
    }

    private static Option<double> Rate(string name, string description, double value) => LabOptions.WithValidator(
        new Option<double>(name) { Description = description, DefaultValueFactory = _ => value },
        v => v > 0 && double.IsFinite(v) ? null : $"{name} must be a finite learning rate > 0; got {v}.");

    private static void Save(LrFindResult result, OptimizerSpec spec, MnistSettings settings, RunFolder folder)
    {
        var csv = new StringBuilder("step,lr,loss,smoothed\n");
        for (int i = 0; i < result.Losses.Length; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i},{result.Rates[i]:R},{result.Losses[i]:R},{result.Smoothed[i]:R}\n");
        }

        RunFolder.WriteAtomically(folder.File("lr_find.csv"), csv.ToString());
        LabFonts.EnsureInstalled();
        Plots.DrawLrFind(result, $"{spec.Name}, {settings.NetworkDescription}, batch {settings.BatchSize}", folder.File("lr_find"), []);
    }

    private static string R(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
}
