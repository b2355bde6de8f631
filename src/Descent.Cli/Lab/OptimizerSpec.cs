using System.Globalization;
using Descent.Optimizers;

namespace Descent.Cli.Lab;

/// <summary>
/// An optimizer as the command line names it: <c>NAME[:KEY=VALUE[,KEY=VALUE]...]</c>, e.g. <c>adam:lr=0.3,betas=[0.9,0.99]</c>.
/// The options are kept as text in order; the optimizer catalog interprets them (and names the bad ones).
/// </summary>
internal sealed record OptimizerSpec(string Name, IReadOnlyList<KeyValuePair<string, string>> Options, string Label)
{
    /// <summary>Muon's lab-only <c>rest=SPEC</c>: the optimizer of the parameters that are not matrices (null: AdamW).</summary>
    public string? RestText { get; init; }

    /// <summary>The spec written back in command-line form (without the label).</summary>
    public string Text
    {
        get
        {
            var pairs = RestText is null ? Options : [.. Options, new("rest", RestText)];
            return pairs.Count == 0 ? Name : $"{Name}:{string.Join(",", pairs.Select(o => $"{o.Key}={o.Value}"))}";
        }
    }

    /// <summary>Parses <c>NAME[:KEY=VALUE,...]</c>; an optional <c>label=TEXT</c> names the run in plots and tables.</summary>
    /// <param name="text">The option's value.</param>
    /// <param name="source">How the user typed it, for messages: <c>--optimizer</c>, or <c>explain NAME</c>.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="UsageException">The text is malformed; the message shows the expected form.</exception>
    public static OptimizerSpec Parse(string text, string source = "--optimizer")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text) || text.TrimStart().StartsWith(':'))
        {
            throw new UsageException($"{source} '{text}': the optimizer name is missing. Expected NAME[:KEY=VALUE,...], e.g. adam:lr=0.3.");
        }

        string name;
        IReadOnlyList<KeyValuePair<string, string>> pairs;
        try
        {
            (name, pairs) = OptimizerCatalog.Parse(text.Trim());
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{source} '{text}': {UsageException.Clean(e)} Expected NAME[:KEY=VALUE,...], e.g. adam:lr=0.3,betas=[0.9,0.99].", e);
        }

        var options = new List<KeyValuePair<string, string>>();
        string? label = null;
        string? rest = null;
        foreach (var (key, value) in pairs)
        {
            if (key.Equals("label", StringComparison.OrdinalIgnoreCase))
            {
                label = value;
            }
            else if (key.Equals("rest", StringComparison.OrdinalIgnoreCase))
            {
                rest = value.Length > 0 ? value : throw new UsageException($"{source} '{text}': rest= needs an optimizer, e.g. rest=adamw(lr=1e-3).");
            }
            else if (options.Any(o => o.Key.Equals(key, StringComparison.OrdinalIgnoreCase)))
            {
                throw new UsageException($"{source} '{text}': option '{key}' is given twice.");
            }
            else if (value.Length == 0)
            {
                throw new UsageException($"{source} '{text}': option '{key}' has no value. Expected KEY=VALUE, e.g. lr=0.3.");
            }
            else
            {
                options.Add(new(key, value));
            }
        }

        var spec = new OptimizerSpec(name, options, string.Empty) { RestText = rest };
        return spec with { Label = label ?? spec.Text };
    }

    /// <summary>Makes labels unique by numbering repeats (two identical specs would otherwise share a legend entry).</summary>
    /// <param name="specs">The specs in order.</param>
    /// <returns>The specs with unique labels.</returns>
    public static IReadOnlyList<OptimizerSpec> WithUniqueLabels(IReadOnlyList<OptimizerSpec> specs)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<OptimizerSpec>(specs.Count);
        foreach (var spec in specs)
        {
            int n = seen.TryGetValue(spec.Label, out int count) ? count + 1 : 1;
            seen[spec.Label] = n;
            result.Add(n == 1 ? spec : spec with { Label = string.Create(CultureInfo.InvariantCulture, $"{spec.Label} #{n}") });
        }

        return result;
    }
}
