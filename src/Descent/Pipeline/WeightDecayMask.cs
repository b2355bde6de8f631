using System.Numerics;
using Descent.Optimizers;

namespace Descent.Pipeline;

/// <summary>
/// Which parameters are excluded from weight decay. The optimizer then gets two groups: the decayed
/// parameters with the given options, the excluded ones with the same options and weight decay 0.
/// </summary>
/// <remarks>
/// The default, <see cref="VectorsAndScalars"/>, excludes every parameter with fewer than two dimensions:
/// biases and the scales and shifts of batch or layer normalisation, while weight matrices and
/// convolution kernels decay. This is the rule of minGPT/nanoGPT and of most AdamW recipes; decaying a
/// bias or a normalisation scale only pulls the model towards a worse function. The rule reads the
/// parameter's <see cref="Parameter{T}.Shape"/>, so give weight matrices their shape (a parameter created
/// without one is a vector and is excluded).
/// </remarks>
public sealed class WeightDecayMask
{
    private readonly Func<string, IReadOnlyList<int>, bool> _excludes;
    private readonly string _description;

    /// <summary>Creates a mask from a rule on a parameter's name and shape.</summary>
    /// <param name="excludes">True for parameters that must not decay.</param>
    /// <param name="description">What the rule excludes, for <see cref="ToString"/>.</param>
    public WeightDecayMask(Func<string, IReadOnlyList<int>, bool> excludes, string description)
    {
        _excludes = excludes ?? throw new ArgumentNullException(nameof(excludes));
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        _description = description;
    }

    /// <summary>The default: excludes parameters with fewer than two dimensions (biases, normalisation scales and shifts).</summary>
    public static WeightDecayMask VectorsAndScalars { get; } =
        new((_, shape) => shape.Count < 2, "parameters with fewer than 2 dimensions (biases, normalisation scales and shifts)");

    /// <summary>Excludes nothing: every parameter decays.</summary>
    public static WeightDecayMask Nothing { get; } = new((_, _) => false, "nothing");

    /// <summary>
    /// Excludes parameters whose name ends with one of <paramref name="suffixes"/> (ordinal, case-sensitive),
    /// e.g. <c>NamesEndingWith(".bias", "norm.weight")</c> for PyTorch-style names.
    /// </summary>
    /// <param name="suffixes">The name endings; at least one.</param>
    /// <returns>The mask.</returns>
    public static WeightDecayMask NamesEndingWith(params string[] suffixes)
    {
        ArgumentNullException.ThrowIfNull(suffixes);
        if (suffixes.Length == 0 || Array.Exists(suffixes, string.IsNullOrEmpty))
        {
            throw new ArgumentException("suffixes must hold at least one non-empty name ending.", nameof(suffixes));
        }

        string[] copy = [.. suffixes];
        return new(
            (name, _) => Array.Exists(copy, s => name.EndsWith(s, StringComparison.Ordinal)),
            $"names ending with {string.Join(", ", copy.Select(s => $"'{s}'"))}");
    }

    /// <summary>Whether <paramref name="parameter"/> is excluded from weight decay.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameter">The parameter.</param>
    /// <returns>True when it must not decay.</returns>
    public bool Excludes<T>(Parameter<T> parameter)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return _excludes(parameter.Name, parameter.Shape);
    }

    /// <summary>Splits parameters into those that decay and those excluded, keeping their order.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The parameters.</param>
    /// <returns>The two lists.</returns>
    public (Parameter<T>[] Decayed, Parameter<T>[] Excluded) Split<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var decayed = new List<Parameter<T>>();
        var excluded = new List<Parameter<T>>();
        foreach (var p in parameters)
        {
            (Excludes(p) ? excluded : decayed).Add(p);
        }

        return ([.. decayed], [.. excluded]);
    }

    /// <summary>
    /// Creates an optimizer whose first group holds the decayed parameters with <paramref name="options"/>
    /// and whose second group (added only when some are excluded) holds the excluded ones with weight decay 0.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <typeparam name="TOptions">The optimizer's options.</typeparam>
    /// <typeparam name="TOptimizer">The optimizer.</typeparam>
    /// <param name="parameters">All parameters.</param>
    /// <param name="options">The options, with the weight decay the decayed parameters get.</param>
    /// <param name="create">The optimizer's constructor, e.g. <c>(ps, o) =&gt; new AdamW&lt;float&gt;(ps, o)</c>.</param>
    /// <returns>The optimizer.</returns>
    public TOptimizer Apply<T, TOptions, TOptimizer>(
        IEnumerable<Parameter<T>> parameters, TOptions options, Func<IEnumerable<Parameter<T>>, TOptions, TOptimizer> create)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOptions : OptimizerOptions, IWeightDecayOptions
        where TOptimizer : IOptimizer<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(create);
        var (decayed, excluded) = Split(parameters);
        var optimizer = create(decayed, options) ?? throw new InvalidOperationException("create returned null.");
        if (excluded.Length > 0)
        {
            optimizer.AddGroup(excluded, options.WithWeightDecay(0));
        }

        return optimizer;
    }

    /// <summary>What the mask excludes.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => _description;
}
