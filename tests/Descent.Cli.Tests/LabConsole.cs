using Spectre.Console;

namespace Descent.Cli.Tests;

/// <summary>Runs the CLI in-process with a recording, non-interactive console.</summary>
internal static class LabConsole
{
    public static (int Code, string Output) Run(params string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        int code = Program.Run(args, console, writer);
        return (code, writer.ToString());
    }

    public static string TempFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), "descent-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
