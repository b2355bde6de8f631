using System.CommandLine;

namespace Descent.Cli;

/// <summary><c>descent compare</c>: the book's 2-D and MNIST comparisons on the bundled data.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var command = new Command("compare", "Reproduce the book's comparison: 2-D trajectories and MNIST loss curves for SGD, Momentum, AdaGrad and Adam.");
        command.SetAction(_ =>
        {
            Console.WriteLine("descent compare: the lab is not built yet. It will run the book's 2-D experiment and MNIST comparison and write a run folder.");
            return 0;
        });
        return command;
    }
}
