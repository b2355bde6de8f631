using System.CommandLine;

namespace Descent.Cli;

/// <summary>Entry point of the <c>descent</c> command.</summary>
internal static class Program
{
    /// <summary>Exit code of a run that went wrong after its arguments were accepted.</summary>
    internal const int RunFailure = 1;

    /// <summary>Exit code of arguments the command does not accept.</summary>
    internal const int UsageError = 2;

    private static int Main(string[] args) => BuildRoot().Parse(args).Invoke();

    /// <summary>The whole command tree; tests parse against it too.</summary>
    internal static RootCommand BuildRoot()
    {
        var root = new RootCommand("Descent: the lab for the parameter-update methods that train neural networks.");
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        return root;
    }
}
