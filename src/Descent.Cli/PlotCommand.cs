using System.CommandLine;
using Descent.Cli.Lab;
using Spectre.Console;

namespace Descent.Cli;

/// <summary><c>descent plot RUN</c>: redraws a run's figures and report from its saved data, computing nothing.</summary>
internal static class PlotCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var run = new Argument<string>("RUN") { Description = "A run folder written by compare, compare-2d, compare-mnist or train." };
        var linearY = new Option<bool>("--linear-y")
        {
            Description = "Redraw the loss figures on the book's linear 0–1 axis instead of a log axis (default: as the run drew them).",
        };
        var command = new Command("plot", "Redraw a run's figures and report.html from its saved data (run.json).") { run, linearY };
        command.SetAction(parse =>
        {
            var (folder, record) = RunFolder.Open(parse.GetValue(run)!);
            if (parse.GetValue(linearY))
            {
                if (record.Mnist is null)
                {
                    throw new UsageException($"--linear-y: the run in '{folder.Path}' has no loss curves (it is a {record.Command} run); --linear-y applies to the loss figures of compare, compare-mnist and train.");
                }

                record.LinearY = true;
            }

            var files = Plots.DrawAll(record, folder);
            string report = Report.Write(record, folder);
            RunOutput.PrintSummary(console, record);
            foreach (string file in files.Append(report))
            {
                console.WriteLine(file);
            }

            return 0;
        });
        return command;
    }
}
