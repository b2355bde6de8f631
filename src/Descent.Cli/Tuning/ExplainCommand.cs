using System.CommandLine;
using System.Globalization;
using Descent.Cli.Lab;
using Descent.Optimizers;
using Spectre.Console;

namespace Descent.Cli.Tuning;

/// <summary>
/// <c>descent explain NAME</c>: what the catalog knows about an optimizer — its class, convention, one-line
/// summary, defaults and each option's help — and the state it keeps, measured by taking one step on a probe matrix.
/// </summary>
internal static class ExplainCommand
{
    private const int Rows = 32;
    private const int Columns = 32;

    public static Command Create(IAnsiConsole console)
    {
        var name = new Argument<string>("NAME") { Description = "An optimizer name from the catalog (adam, SGD, book-adam, ...)." };
        var conventions = LabOptions.ConventionsOption();
        var command = new Command("explain", "Explain an optimizer from the catalog: summary, defaults, and the state it keeps per parameter.");
        command.Arguments.Add(name);
        command.Options.Add(conventions);
        command.SetAction(parse =>
        {
            var spec = OptimizerSpec.Parse(parse.GetValue(name)!);
            var info = LabOptimizers.Resolve(spec, LabOptions.ParseConventions(parse.GetValue(conventions)!));
            Explain(console, info);
            return 0;
        });
        return command;
    }

    public static void Explain(IAnsiConsole console, OptimizerInfo info)
    {
        console.MarkupLineInterpolated($"[bold]{info.Name}[/] ({string.Join(", ", info.Aliases)}), {info.Convention} convention");
        console.MarkupLineInterpolated($"  {info.Summary}");
        console.MarkupLineInterpolated($"  defaults: {info.Defaults}");
        console.MarkupLineInterpolated($"  options: {string.Join(", ", info.OptionNames)}");
        foreach (var option in info.OptionDescriptors)
        {
            console.MarkupLineInterpolated($"    {option.Name} = {option.Format(info.Defaults)}: {option.Help}");
        }

        console.MarkupLineInterpolated($"  state: {State(info)}");
    }

    /// <summary>The state buffers after one step on a 32×32 matrix, and their size per parameter element.</summary>
    private static string State(OptimizerInfo info)
    {
        var random = new Randomness.MersenneTwister(1);
        double[] value = new double[Rows * Columns];
        random.FillGaussian(value);
        var parameter = new Parameter<double>("W", value, Rows, Columns);
        random.FillGaussian(parameter.Gradient.Span);
        var optimizer = info.Create([parameter]);
        optimizer.Step();
        var saved = optimizer.SaveState().Parameters["W"];
        if (saved.Buffers.Count == 0 && saved.Scalars.Count == 0)
        {
            return "none (stateless)";
        }

        double perElement = saved.Buffers.Values.Sum(b => b.Length) / (double)value.Length;
        string buffers = string.Join(", ", saved.Buffers.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Key} ({b.Value.Length} values)")));
        string scalars = saved.Scalars.Count == 0 ? string.Empty : "; scalars " + string.Join(", ", saved.Scalars.Keys);
        return string.Create(CultureInfo.InvariantCulture, $"{buffers}{scalars} — {perElement:0.###} value(s) per parameter element, measured on a {Rows}×{Columns} matrix ({perElement * 4:0.###} bytes in float32)");
    }
}
