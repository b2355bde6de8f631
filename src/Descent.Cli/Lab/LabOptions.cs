using System.CommandLine;
using System.Globalization;
using Descent.Functions;

namespace Descent.Cli.Lab;

/// <summary>Options shared by the lab's commands, with validation that names the bad value and the allowed ones.</summary>
internal static class LabOptions
{
    public static Option<string?> Out() => new("--out")
    {
        Description = "The run folder to write (default: runs/<yyyyMMdd-HHmmss>/).",
        HelpName = "DIR",
    };

    public static Option<long> Seed() => WithValidator(
        new Option<long>("--seed")
        {
            Description = "Seed of every random choice (initialisation, batches, dropout); printed and recorded in the run folder.",
            DefaultValueFactory = _ => 0,
        },
        v => v is >= 0 and <= uint.MaxValue ? null : $"--seed must be in [0, {uint.MaxValue}] (NumPy's range); got {v}.");

    public static Option<string[]> Optimizers(string example) => new("--optimizer", "-o")
    {
        Description = $"An optimizer as NAME[:KEY=VALUE,...], repeatable, e.g. {example}. Add label=TEXT to name it in plots. "
            + "lbfgs (torch.optim.LBFGS) trains on one fixed batch, the first --batch-size training examples (all of them: full batch), one L-BFGS step per iteration.",
        HelpName = "SPEC",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string> ConventionsOption() => new Option<string>("--conventions")
    {
        Description = "What bare names such as momentum, adagrad and adam mean: the book's classes or torch.optim's.",
        DefaultValueFactory = _ => "book",
    }.AcceptOnlyFromAmong("book", "pytorch");

    public static Option<bool> NoFlushDenormals() => new("--no-flush-denormals")
    {
        Description = "Keep subnormal arithmetic (exact IEEE, much slower once Adam's moments decay); flushing is on by default in the lab.",
    };

    public static Option<int> Positive(string name, string description, int defaultValue) => WithValidator(
        new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue },
        v => v > 0 ? null : $"{name} must be a positive integer; got {v}.");

    public static Option<T> WithValidator<T>(Option<T> option, Func<T, string?> check)
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<T>();
            if (value is not null && check(value) is { } error)
            {
                result.AddError(error);
            }
        });
        return option;
    }

    public static Conventions ParseConventions(string text) =>
        text.Equals("pytorch", StringComparison.OrdinalIgnoreCase) ? Conventions.PyTorch : Conventions.Book;

    public static (double X, double Y) ParsePoint(string text, string option)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double y)
            && double.IsFinite(x) && double.IsFinite(y))
        {
            return (x, y);
        }

        throw new UsageException($"{option} '{text}' is not a point: expected X,Y with finite numbers, e.g. {option} -7,2.");
    }

    public static string[] FunctionNames => [.. TestFunction.All.Select(f => f.Name)];
}
