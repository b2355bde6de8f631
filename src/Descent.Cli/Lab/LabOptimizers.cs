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

/// <summary>Builds optimizers from command-line specs through <see cref="OptimizerCatalog"/>.</summary>
internal static class LabOptimizers
{
    // The lower-case bare names that mean the book's class under book conventions. Case matters: PyTorch's class
    // names (SGD, Adam, Adagrad, RMSprop) and explicit ones (book-adam) always mean what the catalog says.
    private static readonly HashSet<string> BookShorthands = new(StringComparer.Ordinal) { "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam" };

    /// <summary>The catalog row a spec names under <paramref name="conventions"/>.</summary>
    /// <exception cref="UsageException">Unknown name: the message lists the valid ones.</exception>
    public static OptimizerInfo Resolve(OptimizerSpec spec, Conventions conventions, string source = "--optimizer")
    {
        string name = conventions == Conventions.Book && BookShorthands.Contains(spec.Name) ? "book-" + spec.Name : spec.Name;
        if (OptimizerCatalog.TryFind(name, out var info))
        {
            return info;
        }

        // L-BFGS and other closure-driven methods are apart from the gradient-only table, but the lab runs them too.
        string key = name.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
        var closure = OptimizerCatalog.ClosureOptimizers.FirstOrDefault(e =>
            e.Aliases.Prepend(e.Name).Any(a => string.Equals(a.Replace("-", string.Empty, StringComparison.Ordinal), key, StringComparison.OrdinalIgnoreCase)));
        if (closure is not null)
        {
            return closure;
        }

        throw new UsageException(
            $"{source} '{spec.Text}': unknown optimizer '{spec.Name}'. Valid: "
            + string.Join(", ", OptimizerCatalog.All.Select(e => e.Aliases.Count > 0 ? e.Aliases[0] : e.Name))
            + $". With --conventions book (the default) the lower-case names {string.Join(", ", BookShorthands)} mean the book's classes; "
            + "PyTorch's class names (SGD, Adam, ...) always mean torch.optim's.");
    }

    /// <summary>Creates the optimizer a spec names over <paramref name="parameters"/>.</summary>
    /// <exception cref="UsageException">Unknown name or option, or a value out of range: the message says which and lists what is valid.</exception>
    public static IOptimizer<T> Create<T>(OptimizerSpec spec, IReadOnlyList<Parameter<T>> parameters, Conventions conventions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (info, options) = Options(spec, conventions);
        return info.Name == "Muon" ? MuonWithRest(spec, info, options, parameters, conventions) : info.Create(parameters, options);
    }

    /// <summary>
    /// Muon takes 2-D parameters only (as torch.optim.Muon), so the lab pairs it as its users do: Muon for the weight
    /// matrices, another optimizer for biases and normalisation parameters, named by the lab-only option
    /// <c>rest=SPEC</c> (default AdamW with its defaults), e.g. <c>muon:lr=0.02,rest=adamw(lr=3e-3,weight_decay=0)</c>.
    /// </summary>
    private static MatrixSplitOptimizer<T> MuonWithRest<T>(
        OptimizerSpec spec, OptimizerInfo muon, OptimizerOptions options, IReadOnlyList<Parameter<T>> parameters, Conventions conventions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rest = RestSpec(spec);
        return new MatrixSplitOptimizer<T>(parameters, matrices => muon.Create(matrices, options), others => Create(rest, [.. others], conventions));
    }

    /// <summary>The spec of the optimizer that takes Muon's non-matrix parameters (<c>rest=</c>, default <c>adamw</c>).</summary>
    public static OptimizerSpec RestSpec(OptimizerSpec spec)
    {
        string text = spec.RestText ?? "adamw";
        var rest = OptimizerSpec.Parse(text);
        if (rest.RestText is not null || Resolve(rest, Conventions.PyTorch).Name == "Muon")
        {
            throw new UsageException($"--optimizer '{spec.Text}': rest={text} must name an optimizer for biases and normalisation parameters, not another Muon pair.");
        }

        return rest;
    }


    /// <summary>Creates the closure-driven optimizer (L-BFGS) a spec names over <paramref name="parameters"/>.</summary>
    public static IClosureOptimizer<T> CreateClosure<T>(OptimizerSpec spec, IReadOnlyList<Parameter<T>> parameters, Conventions conventions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (info, options) = Options(spec, conventions);
        return info.CreateClosureOptimizer(parameters, options);
    }

    /// <summary>Whether the spec names a closure-driven optimizer (L-BFGS), which trains on one fixed batch.</summary>
    public static bool NeedsClosure(OptimizerSpec spec, Conventions conventions) => Resolve(spec, conventions).NeedsClosure;

    private static (OptimizerInfo Info, OptimizerOptions Options) Options(OptimizerSpec spec, Conventions conventions)
    {
        var info = Resolve(spec, conventions);
        OptimizerOptions options;
        try
        {
            if (spec.RestText is not null && info.Name != "Muon")
            {
                throw new UsageException($"--optimizer '{spec.Text}': rest= pairs Muon with the optimizer of the non-matrix parameters; {info.Name} takes every parameter itself.");
            }

            options = info.Options(spec.Options);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--optimizer '{spec.Text}': {UsageException.Clean(e)}", e);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--optimizer '{spec.Text}': {UsageException.Clean(e)}", e);
        }

        return (info, options);
    }

    /// <summary>Builds each spec once over a throw-away parameter, so bad names and values fail before any work starts.</summary>
    public static void Validate(IEnumerable<OptimizerSpec> specs, Conventions conventions)
    {
        foreach (var spec in specs)
        {
            _ = Options(spec, conventions);
            if (spec.RestText is not null)
            {
                _ = Options(RestSpec(spec), conventions);
            }
        }
    }

    /// <summary>The canonical class a spec resolves to, e.g. <c>BookAdam</c>, for tables and reports.</summary>
    public static string Describe(OptimizerSpec spec, Conventions conventions) => Resolve(spec, conventions).Name;
}
