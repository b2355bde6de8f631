using System.Globalization;
using System.Numerics;
using Descent.Optimizers;

namespace Descent.Cli.Lab;

/// <summary>Which family of update rules bare names such as <c>momentum</c> or <c>adam</c> refer to.</summary>
internal enum Conventions
{
    /// <summary>The book's classes (Deep Learning from Scratch, ch. 6): its Momentum, AdaGrad and Adam forms.</summary>
    Book,

    /// <summary>torch.optim's classes and defaults.</summary>
    PyTorch,
}

/// <summary>Builds optimizers from command-line specs.</summary>
internal static class LabOptimizers
{
    private static readonly string[] Names = ["sgd"];

    /// <summary>Creates the optimizer a spec names over <paramref name="parameters"/>.</summary>
    /// <exception cref="UsageException">Unknown name or option, or a value out of range: the message lists what is valid.</exception>
    public static IOptimizer Create<T>(OptimizerSpec spec, IReadOnlyList<Parameter<T>> parameters, Conventions conventions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        _ = conventions;
        string name = spec.Name.ToLowerInvariant();
        try
        {
            return name switch
            {
                "sgd" => new Sgd<T>(parameters, ApplySgd(spec, new SgdOptions())),
                _ => throw new UsageException($"Unknown optimizer '{spec.Name}'. Valid optimizers: {string.Join(", ", Names)}."),
            };
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--optimizer '{spec.Text}': {e.Message}", e);
        }
    }

    /// <summary>Builds each spec once over a throw-away parameter, so bad names and values fail before any work starts.</summary>
    public static void Validate(IEnumerable<OptimizerSpec> specs, Conventions conventions)
    {
        foreach (var spec in specs)
        {
            var probe = new Parameter<double>("probe", new double[1], new double[1]);
            _ = Create(spec, [probe], conventions);
        }
    }

    private static SgdOptions ApplySgd(OptimizerSpec spec, SgdOptions options)
    {
        foreach (var (key, value) in spec.Options)
        {
            options = key.ToLowerInvariant() switch
            {
                "lr" or "learningrate" => options with { LearningRate = Number(spec, key, value) },
                "momentum" => options with { Momentum = Number(spec, key, value) },
                _ => throw new UsageException($"--optimizer '{spec.Text}': unknown option '{key}'. Valid options of sgd: lr, momentum."),
            };
        }

        return options;
    }

    private static double Number(OptimizerSpec spec, string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
            ? d
            : throw new UsageException($"--optimizer '{spec.Text}': {key}='{value}' is not a number.");
}
