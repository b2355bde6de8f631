using System.Text.Json;
using Descent.Optimizers;

namespace Descent.Cli.Verification;

/// <summary>
/// The book's 2-D trajectories (book/naive_trajectories.json): each section is one of the book's optimizers
/// on f(x, y) = x²/20 + y², run with the book's conventions (<c>Book*</c> classes) in double.
/// </summary>
internal sealed class BookTrajectorySuite : IGoldenSuite
{
    public string Name => "book trajectories";

    public bool Accepts(string section, JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty("points", out _) && value.TryGetProperty("params", out _);

    public IEnumerable<GoldenResult> Run(string section, JsonElement value, VerifySettings settings)
    {
        string label = $"Book{section} {GoldenReplay.Describe(value.GetProperty("params"))}";
        double error;
        try
        {
            error = Replay(section, value);
        }
        catch (ArgumentException ex)
        {
            return [GoldenResult.Failed(label, GoldenRunner.Reason(ex))];
        }

        return [new GoldenResult(label, error, 1e-14)];
    }

    private static double Replay(string name, JsonElement value)
    {
        var points = value.GetProperty("points");
        var x = new Parameter<double>("x", [points[0][0].GetDouble()]);
        var y = new Parameter<double>("y", [points[0][1].GetDouble()]);
        var options = value.GetProperty("params").EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, GoldenReplay.Text(p.Value)));
        var optimizer = OptimizerCatalog.Create("book-" + name, [x, y], options);
        double worst = 0;
        for (int k = 1; k < points.GetArrayLength(); k++)
        {
            // The book's df(x, y) = (x / 10, 2y).
            x.Gradient.Span[0] = x.Value.Span[0] / 10.0;
            y.Gradient.Span[0] = 2.0 * y.Value.Span[0];
            optimizer.Step();
            worst = Math.Max(worst, GoldenReplay.RelativeError<double>([x.Value.Span[0], y.Value.Span[0]], points[k]));
        }

        return worst;
    }
}
