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
        Assert.Equal(OptimizerConvention.Book, OptimizerCatalog.Find("book-" + name).Convention);
        double worst = GoldenReplay.ReplayBookTrajectory(name, golden.RootElement.GetProperty(name));
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
            Assert.Equal(0, GoldenReplay.ReplayBookTrajectory(golden.RootElement.GetProperty(name), create));
        }
    }
}
