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
        Assert.Contains("compare", output.ToString(), StringComparison.Ordinal);
    }
}
