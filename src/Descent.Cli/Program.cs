using System.CommandLine;
using Descent.Cli.Lab;
using Spectre.Console;

namespace Descent.Cli;

/// <summary>Entry point of the <c>descent</c> command.</summary>
internal static class Program
{
    /// <summary>Exit code of a run that went wrong after its arguments were accepted.</summary>
    internal const int RunFailure = 1;

    /// <summary>Exit code of arguments the command does not accept.</summary>
    internal const int UsageError = 2;

    /// <summary>Exit code of a run stopped by Ctrl-C (after it saved what it had).</summary>
    internal const int Interrupted = 130;

    /// <summary>Exit code of a run stopped by SIGTERM (after it saved what it had): 128 + 15, as shells report it.</summary>
    internal const int Terminated = 143;

    private static int Main(string[] args) => Run(args);

    /// <summary>
    /// Parses and runs <paramref name="args"/>: parse errors and bad option values exit with
    /// <see cref="UsageError"/>, failures during the run with <see cref="RunFailure"/>.
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <param name="console">Where the lab writes (tests pass a recording console).</param>
    /// <param name="output">Where help text goes (default: standard output).</param>
    /// <returns>The exit code.</returns>
    internal static int Run(string[] args, IAnsiConsole? console = null, TextWriter? output = null)
    {
        console ??= AnsiConsole.Console;
        var parse = BuildRoot(console).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                console.MarkupLineInterpolated($"[red]error:[/] {error.Message}");
            }

            console.MarkupLine("Run [bold]descent --help[/] (or [bold]descent COMMAND --help[/]) for the valid commands and options.");
            return UsageError;
        }

        // Asynchronous actions (data download) keep System.CommandLine's Ctrl-C cancellation; train handles its own.
        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        if (output is not null)
        {
            config.Output = output;
        }

        try
        {
            return parse.Invoke(config);
        }
        catch (UsageException e)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {UsageException.Clean(e)}");
            return UsageError;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var inner = e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : e;
            console.MarkupLineInterpolated($"[red]failed:[/] {UsageException.Clean(inner)}");
            return RunFailure;
        }
    }

    /// <summary>The whole command tree, writing to the process console; tests parse against it too.</summary>
    /// <returns>The root command.</returns>
    internal static RootCommand BuildRoot() => BuildRoot(AnsiConsole.Console);

    /// <summary>The whole command tree.</summary>
    /// <param name="console">Where the commands write.</param>
    /// <returns>The root command.</returns>
    internal static RootCommand BuildRoot(IAnsiConsole console)
    {
        var root = new RootCommand("Descent: the lab for the parameter-update methods that train neural networks.");
        root.Subcommands.Add(CompareCommand.Create(console));
        root.Subcommands.Add(Compare2dCommand.Create(console));
        root.Subcommands.Add(CompareMnistCommand.Create(console));
        root.Subcommands.Add(TrainCommand.Create(console));
        root.Subcommands.Add(Book.BookCommand.Create(console));
        root.Subcommands.Add(PlotCommand.Create(console));
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        return root;
    }
}
