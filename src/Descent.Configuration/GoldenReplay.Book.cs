using System.Text.Json;
using Descent.Optimizers;

namespace Descent.Configuration;

/// <summary>The book's 2-D trajectories, book/naive_trajectories.json.</summary>
internal static partial class GoldenReplay
{
    /// <summary>
    /// Replays one of the book's trajectories with the catalog's <c>book-</c> optimizer of that name and the entry's
    /// <c>params</c>; see <see cref="ReplayBookTrajectory(JsonElement, Func{Parameter{double}[], IOptimizer{double}})"/>.
    /// </summary>
    /// <param name="name">The entry's name, e.g. <c>Momentum</c>.</param>
    /// <param name="entry">The entry.</param>
    /// <returns>The largest relative error of a point.</returns>
    public static double ReplayBookTrajectory(string name, JsonElement entry) =>
        ReplayBookTrajectory(entry, p => OptimizerCatalog.Create("book-" + name, p, Pairs(entry.GetProperty("params"))));

    /// <summary>
    /// Replays one of the book's trajectories: the optimizer <paramref name="create"/> builds over x and y, from the
    /// entry's first point, on the book's f(x, y) = x²/20 + y², in double, compared with every later point.
    /// </summary>
    /// <param name="entry">The entry (<c>points</c>, <c>params</c>).</param>
    /// <param name="create">Builds the optimizer over the parameters x and y.</param>
    /// <returns>The largest relative error of a point; 0 when the trajectory is reproduced bit for bit.</returns>
    public static double ReplayBookTrajectory(JsonElement entry, Func<Parameter<double>[], IOptimizer<double>> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        var points = entry.GetProperty("points");
        var x = new Parameter<double>("x", [points[0][0].GetDouble()]);
        var y = new Parameter<double>("y", [points[0][1].GetDouble()]);
        var optimizer = create([x, y]);
        double worst = 0;
        for (int k = 1; k < points.GetArrayLength(); k++)
        {
            // The book's df(x, y) = (x / 10, 2y).
            x.Gradient.Span[0] = x.Value.Span[0] / 10.0;
            y.Gradient.Span[0] = 2.0 * y.Value.Span[0];
            optimizer.Step();
            worst = Math.Max(worst, RelativeError<double>([x.Value.Span[0], y.Value.Span[0]], points[k]));
        }

        return worst;
    }
}
