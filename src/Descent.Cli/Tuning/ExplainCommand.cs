using System.CommandLine;
using System.Globalization;
using Descent.Cli.Lab;
using Descent.Optimizers;
using Spectre.Console;

namespace Descent.Cli.Tuning;

/// <summary>
/// <c>descent explain NAME</c>: what the catalog knows about an optimizer — its class, convention, one-line summary,
/// its update as equations in the code's order, the paper and implementation it matches, where the frameworks'
/// conventions differ (each difference run on a tiny problem, both ways), defaults and each option's help — and the
/// state it keeps, measured by taking one step on a probe matrix. <c>--html FILE</c> writes the same as a page.
/// </summary>
internal static class ExplainCommand
{
    private const int Rows = 32;
    private const int Columns = 32;

    public static Command Create(IAnsiConsole console)
    {
        var name = new Argument<string>("NAME") { Description = "An optimizer name from the catalog (adam, SGD, book-adam, ...)." };
        var conventions = LabOptions.ConventionsOption();
        var html = new Option<string?>("--html") { Description = "Also write the explanation as a self-contained HTML page to this file." };
        var command = new Command("explain", "Explain an optimizer from the catalog: its update as equations, reference, where PyTorch, Optax, Keras and the book differ (run on a tiny problem), defaults, and the state it keeps per parameter.");
        command.Arguments.Add(name);
        command.Options.Add(conventions);
        command.Options.Add(html);
        command.SetAction(parse =>
        {
            var spec = OptimizerSpec.Parse(parse.GetValue(name)!);
            var info = LabOptimizers.Resolve(spec, LabOptions.ParseConventions(parse.GetValue(conventions)!));
            string? page = parse.GetValue(html);
            string state = State(info);
            Explain(console, info, state);
            if (page is not null)
            {
                try
                {
                    File.WriteAllText(page, OptimizerDocText.HtmlPage(info, state));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
                {
                    throw new UsageException($"--html '{page}': cannot write it ({e.Message}).");
                }

                console.MarkupLineInterpolated($"  written: {page}");
            }

            return 0;
        });
        return command;
    }

    public static void Explain(IAnsiConsole console, OptimizerInfo info, string state)
    {
        var doc = info.Doc;
        console.MarkupLineInterpolated($"[bold]{info.Name}[/] ({string.Join(", ", info.Aliases)}), {info.Convention} convention");
        console.MarkupLineInterpolated($"  {info.Summary}");
        console.MarkupLine("  update, in the code's order:");
        int width = doc.Update.Max(l => EquationText.ToUnicode(l.Math).Length);
        foreach (var line in doc.Update)
        {
            string math = EquationText.ToUnicode(line.Math);
            console.MarkupLineInterpolated($"    {(line.When is null ? math : math.PadRight(width) + "   [" + line.When + "]")}");
        }

        console.MarkupLineInterpolated($"  reference: {doc.Reference.Citation}; matches {doc.Reference.Implementation}");
        console.MarkupLine("  conventions:");
        foreach (var note in doc.Conventions)
        {
            console.MarkupLineInterpolated($"    {OptimizerDocText.TopicName(note.Topic)}: {note.Text}");
            if (note.Example is { } example)
            {
                Example(console, example);
            }
        }

        console.MarkupLineInterpolated($"  defaults: {info.Defaults}");
        console.MarkupLineInterpolated($"  options: {string.Join(", ", info.OptionNames)}");
        foreach (var option in info.OptionDescriptors)
        {
            console.MarkupLineInterpolated($"    {option.Name} = {option.Format(info.Defaults)}: {option.Help}");
        }

        console.MarkupLineInterpolated($"  state: {state}");
    }

    /// <summary>Runs both sides of a convention example and prints θ after each step and their difference.</summary>
    private static void Example(IAnsiConsole console, ConventionExample example)
    {
        var (left, right) = ConventionProblem.Run(example);
        int width = Math.Max(example.Left.Length, example.Right.Length);
        console.MarkupLineInterpolated($"      run: {left.Length} steps on {OptimizerDocText.Problem}, η per step {string.Join(", ", example.LearningRates.Select(OptimizerDocText.Number))}");
        for (int step = 0; step < left.Length; step++)
        {
            double[] difference = [.. right[step].Zip(left[step], (r, l) => r - l)];
            console.MarkupLineInterpolated($"      step {step + 1}  {example.Left.PadRight(width)}  θ = {OptimizerDocText.Vector(left[step], OptimizerDocText.Number)}");
            console.MarkupLineInterpolated($"              {example.Right.PadRight(width)}  θ = {OptimizerDocText.Vector(right[step], OptimizerDocText.Number)}");
            console.MarkupLineInterpolated($"              {"right − left".PadRight(width)}      {OptimizerDocText.Vector(difference, OptimizerDocText.Difference)}");
        }
    }

    /// <summary>The state buffers after one step on a 32×32 matrix, and their size per parameter element.</summary>
    internal static string State(OptimizerInfo info)
    {
        var random = new Randomness.MersenneTwister(1);
        double[] value = new double[Rows * Columns];
        random.FillGaussian(value);
        var parameter = new Parameter<double>("W", value, Rows, Columns);
        random.FillGaussian(parameter.Gradient.Span);
        OptimizerState<double> all;
        if (info.NeedsClosure)
        {
            // L-BFGS steps through a closure: f(W) = ½‖W‖², whose gradient is W itself.
            var lbfgs = info.CreateClosureOptimizer([parameter]);
            lbfgs.Step(() =>
            {
                parameter.Value.Span.CopyTo(parameter.Gradient.Span);
                double sum = 0;
                foreach (double w in parameter.Value.Span)
                {
                    sum += w * w;
                }

                return sum / 2;
            });
            all = lbfgs.SaveState();
        }
        else
        {
            var optimizer = info.Create([parameter]);
            optimizer.Step();
            all = optimizer.SaveState();
        }

        if (!all.Parameters.TryGetValue("W", out var saved))
        {
            return "kept for the whole optimizer, not per parameter (" + string.Join(", ", all.Parameters.Keys) + ")";
        }

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
