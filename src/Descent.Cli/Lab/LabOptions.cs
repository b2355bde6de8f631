using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
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

    public static Option<long> Seed() => Number<long>(
        "--seed",
        "Seed of every random choice (initialisation, batches, dropout); printed and recorded in the run folder.",
        0,
        v => v is >= 0 and <= uint.MaxValue,
        $"an integer from 0 to {uint.MaxValue} (NumPy's range)");

    /// <summary>
    /// A command with every option of <paramref name="options"/>: the lab's option sets (<see cref="MnistOptions.All"/>,
    /// <see cref="SeedOptions.All"/>) are sequences, which System.CommandLine's collection initializer does not take.
    /// </summary>
    public static Command CommandWith(string name, string description, IEnumerable<Option> options)
    {
        var command = new Command(name, description);
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        return command;
    }

    /// <summary>The one optimizer a command runs, as NAME[:KEY=VALUE,...].</summary>
    public static Option<string> Optimizer(string description, string defaultValue) => new("--optimizer", "-o")
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        HelpName = "SPEC",
    };

    public static Option<string[]> Optimizers(string example) => new("--optimizer", "-o")
    {
        Description = $"An optimizer as NAME[:KEY=VALUE,...], repeatable, e.g. {example}. Add label=TEXT to name it in plots. "
            + "lbfgs (torch.optim.LBFGS) trains on one fixed batch, the first --batch-size training examples (all of them: full batch), one L-BFGS step per iteration.",
        HelpName = "SPEC",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string> ConventionsOption() => Choice(
        "--conventions", "What bare names such as momentum, adagrad and adam mean: the book's classes or torch.optim's.", "book", ["book", "pytorch"]);

    public static Option<bool> NoFlushDenormals() => new("--no-flush-denormals")
    {
        Description = "Keep subnormal arithmetic (exact IEEE, much slower once Adam's moments decay); flushing is on by default in the lab.",
    };

    public static Option<int> Positive(string name, string description, int defaultValue) =>
        Number(name, description, defaultValue, v => v > 0, "a positive integer");

    /// <summary>
    /// Adds a range check to an option that System.CommandLine converts itself. Text that does not convert already
    /// carries the parser's own error; reading its value would throw, so the check is skipped for it. New number
    /// options should use <see cref="Number{T}"/>, whose message names the option, the text and what is allowed.
    /// </summary>
    public static Option<T> WithValidator<T>(Option<T> option, Func<T, string?> check)
    {
        option.Validators.Add(result =>
        {
            T? value;
            try
            {
                value = result.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                string text = string.Join(" ", result.Tokens.Select(t => t.Value));
                result.AddError($"{option.Name}: '{text}' is not a valid value.");
                return;
            }

            if (value is not null && check(value) is { } error)
            {
                result.AddError(error);
            }
        });
        return option;
    }

    /// <summary>
    /// A number-valued option parsed here rather than by System.CommandLine, so that text that is not a number, or a
    /// number outside <paramref name="allowed"/>, is one usage error naming the option, the text and what is allowed.
    /// </summary>
    public static Option<T> Number<T>(string name, string description, T defaultValue, Func<T, bool> allowed, string what, string helpName = "N")
        where T : struct, INumber<T>
    {
        var option = new Option<T>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = helpName };
        option.CustomParser = result => TryNumber(result, name, allowed, what, out T value) ? value : default;
        return option;
    }

    /// <summary>As <see cref="Number{T}"/>, for an option whose absence means something (e.g. --epochs instead of --iterations).</summary>
    public static Option<T?> OptionalNumber<T>(string name, string description, Func<T, bool> allowed, string what, string helpName = "N")
        where T : struct, INumber<T>
    {
        var option = new Option<T?>(name) { Description = description, HelpName = helpName };
        option.CustomParser = result => TryNumber(result, name, allowed, what, out T value) ? value : null;
        return option;
    }

    private static bool TryNumber<T>(ArgumentResult result, string name, Func<T, bool> allowed, string what, out T value)
        where T : struct, INumber<T>
    {
        string text = string.Join(" ", result.Tokens.Select(t => t.Value));
        if (ParseNumber(text, out value) && allowed(value))
        {
            return true;
        }

        result.AddError($"{name} must be {what}; got '{text}'.");
        return false;
    }

    /// <summary>
    /// Parses an integer or a finite real in the invariant culture; a real that rounds to zero although its digits are
    /// not all zero (<c>1e-400</c>) is rejected rather than silently becoming 0.
    /// </summary>
    public static bool ParseNumber<T>(string text, out T value)
        where T : struct, INumber<T>
    {
        bool integer = typeof(T) == typeof(int) || typeof(T) == typeof(long);
        var style = integer ? NumberStyles.Integer : NumberStyles.Float;
        if (!T.TryParse(text.Trim(), style, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }

        double real = double.CreateTruncating(value);
        return integer || (double.IsFinite(real) && (real != 0 || !UnderflowsToZero(text)));
    }

    /// <summary>True when <paramref name="text"/> is a number with a non-zero digit in its mantissa (so parsing it as 0 lost it).</summary>
    public static bool UnderflowsToZero(string text)
    {
        string mantissa = text.Trim().Split('e', 'E')[0];
        return mantissa.Any(c => c is >= '1' and <= '9');
    }

    /// <summary>
    /// An option taking one of <paramref name="choices"/>, compared case-insensitively (<c>-f Rosenbrock</c> is
    /// <c>rosenbrock</c>); the value is the canonical spelling, and anything else is one line listing the choices.
    /// </summary>
    public static Option<string> Choice(string name, string description, string defaultValue, IReadOnlyList<string> choices, string? alias = null)
    {
        var option = alias is null ? new Option<string>(name) : new Option<string>(name, alias);
        option.Description = description;
        option.DefaultValueFactory = _ => defaultValue;
        option.HelpName = string.Join("|", choices);
        option.CompletionSources.Add(choices.ToArray());
        option.CustomParser = result =>
        {
            string text = string.Join(" ", result.Tokens.Select(t => t.Value));
            string? match = choices.FirstOrDefault(c => c.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                result.AddError($"{name} '{text}' is not one of: {string.Join(", ", choices)}.");
            }

            return match ?? defaultValue;
        };
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
