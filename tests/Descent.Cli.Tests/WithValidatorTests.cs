using System.CommandLine;
using Descent.Cli.Lab;

namespace Descent.Cli.Tests;

public class WithValidatorTests
{
    [Fact]
    public void TextThatDoesNotConvert_IsAParseError_NotACrash()
    {
        var option = LabOptions.WithValidator(new Option<int>("--count"), v => v > 0 ? null : "--count must be positive.");
        var command = new Command("x") { option };
        var parse = command.Parse(["--count", "abc"]);
        Assert.NotEmpty(parse.Errors);
        Assert.Contains(parse.Errors, e => e.Message.Contains("abc", StringComparison.Ordinal));
        Assert.Contains(command.Parse(["--count", "-1"]).Errors, e => e.Message == "--count must be positive.");
        Assert.Empty(command.Parse(["--count", "3"]).Errors);
    }
}
