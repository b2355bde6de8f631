using Descent.Cli.Lab;
using Descent.Functions;
using Descent.Testing;

namespace Descent.Cli.Tests.Lab;

public class BookTrajectoryTests
{
    public static TheoryData<string> Names => ["SGD", "Momentum", "AdaGrad", "Adam", "RMSprop", "Nesterov"];

    [Theory]
    [MemberData(nameof(Names))]
    public void BookConventions_ReproduceTheBooksTrajectories_BitForBit(string name)
    {
        using var golden = Goldens.Load("book/naive_trajectories.json");
        var entry = golden.RootElement.GetProperty(name);
        var options = string.Join(",", entry.GetProperty("params").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture)}"));

        // Bare names under book conventions mean the book's classes, with the option names the book uses (decay_rate).
        string spec = $"{name.ToLowerInvariant()}:{options},label={name}";
        var points = entry.GetProperty("points").EnumerateArray().Select(p => (X: p[0].GetDouble(), Y: p[1].GetDouble())).ToArray();
        var record = TwoDExperiment.Run(TestFunction.Bowl, points[0], points.Length - 1, [OptimizerSpec.Parse(spec)], Conventions.Book);
        var run = record.Runs[0];
        Assert.Equal(points.Length, run.X.Length);
        for (int k = 0; k < points.Length; k++)
        {
            Assert.Equal(points[k].X, run.X[k]);
            Assert.Equal(points[k].Y, run.Y[k]);
        }
    }

    [Fact]
    public void CompareDefaults_AreTheBooksFigure()
    {
        var labels = TwoDExperiment.BookOptimizers.Select(s => s.Label);
        Assert.Equal(["SGD", "Momentum", "AdaGrad", "Adam"], labels);
        Assert.Equal(30, TwoDExperiment.BookSteps);
        Assert.Equal(
            ["BookSGD", "BookMomentum", "BookAdaGrad", "BookAdam"],
            TwoDExperiment.BookOptimizers.Select(s => LabOptimizers.Describe(s, Conventions.Book)));
        Assert.Equal(
            ["BookSGD", "BookMomentum", "BookAdaGrad", "BookAdam"],
            MnistExperiment.BookOptimizers.Select(s => LabOptimizers.Describe(s, Conventions.Book)));
    }
}
