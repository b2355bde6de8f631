using Descent.Functions;

namespace Descent.Cli.Lab;

/// <summary>Runs optimizers on a function of two variables, recording each position (computing only; no drawing).</summary>
internal static class TwoDExperiment
{
    /// <summary>The book's figure 6-8: its four classes and learning rates on the bowl, 30 updates.</summary>
    public static IReadOnlyList<OptimizerSpec> BookOptimizers { get; } =
    [
        OptimizerSpec.Parse("sgd:lr=0.95,label=SGD"),
        OptimizerSpec.Parse("momentum:lr=0.1,label=Momentum"),
        OptimizerSpec.Parse("adagrad:lr=1.5,label=AdaGrad"),
        OptimizerSpec.Parse("adam:lr=0.3,label=Adam"),
    ];

    public const int BookSteps = 30;

    /// <summary>
    /// Runs each optimizer for <paramref name="steps"/> updates from <paramref name="start"/>, as the book's loop
    /// does: the gradient at the current point, then one update of x and y (two named one-element parameters).
    /// A path that leaves the finite numbers stops there, marked diverged; <paramref name="stop"/> (Ctrl-C) ends every
    /// path at the next step, marked interrupted.
    /// </summary>
    public static TwoDRecord Run(TestFunction function, (double X, double Y) start, int steps, IReadOnlyList<OptimizerSpec> specs, Conventions conventions, CancellationToken stop = default)
    {
        var record = Record(function, start, steps, conventions);
        foreach (var spec in specs)
        {
            double[] value = [start.X, start.Y];
            double[] gradient = new double[2];
            var x = new Parameter<double>("x", value.AsMemory(0, 1), gradient.AsMemory(0, 1));
            var y = new Parameter<double>("y", value.AsMemory(1, 1), gradient.AsMemory(1, 1));
            // Muon orthogonalises matrices: it sees the point as one 1 × 2 matrix (a normalised, momentum step).
            Parameter<double>[] parameters = LabOptimizers.Resolve(spec, conventions).Name == "Muon"
                ? [new Parameter<double>("xy", value, gradient, 1, 2)]
                : [x, y];
            var optimizer = LabOptimizers.Create(spec, parameters, conventions);
            var xs = new List<double>(steps + 1) { start.X };
            var ys = new List<double>(steps + 1) { start.Y };
            var fs = new List<double>(steps + 1) { function.Value(start.X, start.Y) };
            int? diverged = null, interrupted = null;
            for (int k = 1; k <= steps; k++)
            {
                if (stop.IsCancellationRequested)
                {
                    interrupted = k - 1;
                    break;
                }

                (gradient[0], gradient[1]) = function.Gradient(value[0], value[1]);
                optimizer.Step();
                double f = function.Value(value[0], value[1]);
                if (!double.IsFinite(value[0]) || !double.IsFinite(value[1]) || !double.IsFinite(f))
                {
                    // A diverged path stops here; the plot marks where it left.
                    diverged = k;
                    break;
                }

                xs.Add(value[0]);
                ys.Add(value[1]);
                fs.Add(f);
            }

            record.Runs.Add(new TrajectoryRecord
            {
                Label = spec.Label,
                Optimizer = $"{spec.Text} ({LabOptimizers.Describe(spec, conventions)})",
                X = [.. xs],
                Y = [.. ys],
                Value = [.. fs],
                DivergedAt = diverged,
                InterruptedAt = interrupted,
            });
        }

        return record;
    }

    /// <summary>A record of runs on <paramref name="function"/> from <paramref name="start"/>, with no paths yet.</summary>
    public static TwoDRecord Record(TestFunction function, (double X, double Y) start, int steps, Conventions conventions) => new()
    {
        Function = function.Name,
        Formula = function.Formula,
        Conventions = conventions.ToString(),
        StartX = start.X,
        StartY = start.Y,
        Steps = steps,
    };
}
