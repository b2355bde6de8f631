namespace Descent.Cli.Tests;

public class ProgramTests
{
    [Fact]
    public void Help_ListsTheCommands()
    {
        var output = new StringWriter();
        var config = new System.CommandLine.InvocationConfiguration { Output = output };
        int code = Program.BuildRoot().Parse(["--help"]).Invoke(config);
        Assert.Equal(0, code);
        foreach (string command in new[] { "compare", "compare-2d", "compare-mnist", "train", "plot" })
        {
            Assert.Contains(command, output.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void UnknownCommand_IsAUsageError()
    {
        var (code, output) = LabConsole.Run("comapre");
        Assert.Equal(Program.UsageError, code);
        Assert.Contains("comapre", output, StringComparison.Ordinal);
    }
}
