using Descent.Optimizers;
using Descent.Optimizers.Book;
using Descent.Testing;

namespace Descent.Tests.Optimizers;

/// <summary>The book's 2-D experiment (ch. 6, f(x, y) = x²/20 + y² from (−7, 2)) against its own NumPy trajectories.</summary>
public class BookTrajectoryTests
{
    public static TheoryData<string> Names => ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam"];

    [Theory]
    [MemberData(nameof(Names))]
    public void BookConvention_ReproducesNumPyTrajectory_Within1e14(string name)
    {
        using var golden = Goldens.Load("book/naive_trajectories.json");
        var entry = golden.RootElement.GetProperty(name);
        var pairs = entry.GetProperty("params").EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetRawText()));
        var points = entry.GetProperty("points");
        var x = new Parameter<double>("x", [points[0][0].GetDouble()]);
        var y = new Parameter<double>("y", [points[0][1].GetDouble()]);
        var optimizer = OptimizerCatalog.Create("book-" + name, [x, y], pairs);
        Assert.Equal(OptimizerConvention.Book, OptimizerCatalog.Find("book-" + name).Convention);
        double worst = 0;
        for (int k = 1; k < points.GetArrayLength(); k++)
        {
            // The book's df(x, y) = (x / 10.0, 2.0 * y).
            x.Gradient.Span[0] = x.Value.Span[0] / 10.0;
            y.Gradient.Span[0] = 2.0 * y.Value.Span[0];
            optimizer.Step();
            worst = Math.Max(worst, Relative(x.Value.Span[0], points[k][0].GetDouble()));
            worst = Math.Max(worst, Relative(y.Value.Span[0], points[k][1].GetDouble()));
        }

        Assert.True(worst <= 1e-14, $"{name}: max relative error {worst:E3}");
    }

    [Fact]
    public void BookClasses_ReproduceTheTrajectories_BitForBit()
    {
        using var golden = Goldens.Load("book/naive_trajectories.json");
        var optimizers = new Dictionary<string, Func<Parameter<double>[], IOptimizer<double>>>
        {
            ["SGD"] = p => new BookSgd<double>(p, new() { LearningRate = 0.95 }),
            ["Momentum"] = p => new BookMomentum<double>(p, new() { LearningRate = 0.1, Momentum = 0.9 }),
            ["Nesterov"] = p => new BookNesterov<double>(p, new() { LearningRate = 0.1, Momentum = 0.9 }),
            ["AdaGrad"] = p => new BookAdaGrad<double>(p, new() { LearningRate = 1.5 }),
            ["RMSprop"] = p => new BookRmsProp<double>(p, new() { LearningRate = 0.1, DecayRate = 0.99 }),
            ["Adam"] = p => new BookAdam<double>(p, new() { LearningRate = 0.3 }),
        };
        foreach (var (name, create) in optimizers)
        {
            var points = golden.RootElement.GetProperty(name).GetProperty("points");
            var x = new Parameter<double>("x", [-7.0]);
            var y = new Parameter<double>("y", [2.0]);
            var optimizer = create([x, y]);
            for (int k = 1; k < points.GetArrayLength(); k++)
            {
                x.Gradient.Span[0] = x.Value.Span[0] / 10.0;
                y.Gradient.Span[0] = 2.0 * y.Value.Span[0];
                optimizer.Step();
                Assert.Equal(points[k][0].GetDouble(), x.Value.Span[0]);
                Assert.Equal(points[k][1].GetDouble(), y.Value.Span[0]);
            }
        }
    }

    private static double Relative(double got, double want) => Math.Abs(got - want) / Math.Max(Math.Abs(want), double.Epsilon);
}
