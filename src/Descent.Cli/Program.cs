using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
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

    /// <summary>What each exit code means; printed by <c>descent --help</c> and kept in the README.</summary>
    internal const string ExitCodes =
        "Exit codes: 0 success; 1 a run failed (unreadable data, corrupt checkpoint, every optimizer diverged, a verify case or a `--check` curve failed); "
        + "2 usage error (unknown command or option, bad value); 130 interrupted by Ctrl-C (what was computed is saved); 143 stopped by SIGTERM (train: checkpoint saved).";

    private static int Main(string[] args)
    {
        // Redirected output is read by programs and editors: one record per line, never wrapped at 80 columns.
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Console.Profile.Width = RedirectedWidth;
        }

        return Run(args);
    }

    /// <summary>The console width assumed when output is redirected: wide enough that no line is wrapped.</summary>
    internal const int RedirectedWidth = 100_000;

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
        var root = BuildRoot(console);

        // A bare `descent` is a request for orientation, not a mistake.
        var parse = root.Parse(args.Length == 0 ? ["--help"] : args);
        if (parse.Errors.Count > 0)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {DescribeErrors(root, parse)}");
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
    internal static Command BuildRoot() => BuildRoot(AnsiConsole.Console);

    /// <summary>The whole command tree.</summary>
    /// <param name="console">Where the commands write.</param>
    /// <returns>The root command.</returns>
    internal static Command BuildRoot(IAnsiConsole console)
    {
        // Not RootCommand: it names itself after the executable (Descent.Cli), while users type `descent`.
        var root = new Command("descent", "Descent: the lab for the parameter-update methods that train neural networks.\n\n" + ExitCodes)
        {
            new HelpOption(),
            new VersionOption(),
        };
        root.Subcommands.Add(CompareCommand.Create(console));
        root.Subcommands.Add(Compare2dCommand.Create(console));
        root.Subcommands.Add(CompareMnistCommand.Create(console));
        root.Subcommands.Add(TrainCommand.Create(console));
        root.Subcommands.Add(Book.BookCommand.Create(console));
        root.Subcommands.Add(PlotCommand.Create(console));
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(Tuning.TuneCommand.Create(console));
        root.Subcommands.Add(Tuning.StudyCommand.Create(console));
        root.Subcommands.Add(Tuning.LrFindCommand.Create(console));
        root.Subcommands.Add(Tuning.ExplainCommand.Create(console));
        return root;
    }

    /// <summary>
    /// The parse errors as one line: an unknown command gets the nearest command's name; System.CommandLine's
    /// consequential "required command was not provided" is dropped when a more specific error explains it.
    /// </summary>
    private static string DescribeErrors(Command root, ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var messages = parse.Errors.Select(e => e.Message).Distinct(StringComparer.Ordinal).ToList();
        string? unknown = parse.UnmatchedTokens.Count > 0 ? parse.UnmatchedTokens[0] : null;
        if (unknown is not null && !unknown.StartsWith('-') && command.Subcommands.Count > 0)
        {
            string path = command == root ? "descent" : $"descent {command.Name}";
            string? nearest = Nearest(unknown, command.Subcommands.Select(c => c.Name));
            string suggestion = nearest is null ? string.Empty : $"; did you mean {nearest}?";
            return $"'{unknown}' is not a command of {path}{suggestion} Commands: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}.";
        }

        if (messages.Count > 1)
        {
            messages.RemoveAll(m => m.StartsWith("Required command was not provided", StringComparison.Ordinal));
        }

        var names = new List<string>();
        for (SymbolResult? result = parse.CommandResult; result is CommandResult c; result = c.Parent)
        {
            names.Insert(0, c.Command == root ? "descent" : c.Command.Name);
        }

        string help = $"{string.Join(" ", names)} --help";
        return $"{string.Join(" ", messages)} (see {help})";
    }

    /// <summary>The name closest to <paramref name="typed"/> by edit distance, if it is close enough to be a typo.</summary>
    internal static string? Nearest(string typed, IEnumerable<string> names)
    {
        var best = names
            .Select(name => (Name: name, Distance: EditDistance(typed.ToLowerInvariant(), name.ToLowerInvariant())))
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Max(2, typed.Length / 3) ? best.Name : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
