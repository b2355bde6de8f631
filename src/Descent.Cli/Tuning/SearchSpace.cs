using System.Globalization;
using Descent.Cli.Lab;
using Descent.Randomness;

namespace Descent.Cli.Tuning;

/// <summary>One searched option: uniform on [Low, High], or log-uniform (uniform in log10) when <see cref="Log"/>.</summary>
internal sealed record SearchDimension(string Key, double Low, double High, bool Log)
{
    public double Sample(IRandomSource random)
    {
        double u = random.NextDouble();
        return Log ? Math.Pow(10, Math.Log10(Low) + (u * (Math.Log10(High) - Math.Log10(Low)))) : Low + (u * (High - Low));
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Key}={Low:G}..{High:G}{(Log ? ":log" : string.Empty)}");
}

/// <summary>
/// What <c>descent tune</c> searches for one optimizer: by default the learning rate, log-uniform on
/// [1e-4, 1]; <c>--space NAME:KEY=LOW..HIGH[:log],...</c> replaces that (and adds other options, e.g. beta2).
/// </summary>
internal sealed record SearchSpace(string Optimizer, IReadOnlyList<SearchDimension> Dimensions)
{
    public static SearchSpace Default(string optimizer) => new(optimizer, [new SearchDimension("lr", 1e-4, 1, Log: true)]);

    /// <summary>Parses one <c>--space</c> value.</summary>
    /// <exception cref="UsageException">Malformed: the message shows the expected form.</exception>
    public static SearchSpace Parse(string text)
    {
        const string Form = "Expected NAME:KEY=LOW..HIGH[:log],..., e.g. adam:lr=1e-5..1e-1:log,beta2=0.9..0.9999.";
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw new UsageException($"--space '{text}': no optimizer name or no options. {Form}");
        }

        string optimizer = text[..colon].Trim();
        var dimensions = new List<SearchDimension>();
        foreach (string part in text[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries))
        {
            dimensions.Add(ParseDimension(text, part, Form));
        }

        var duplicate = dimensions.GroupBy(d => d.Key, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new UsageException($"--space '{text}': '{duplicate.Key}' is given twice.");
        }

        return new SearchSpace(optimizer, dimensions);
    }

    /// <summary>The configuration of trial <paramref name="configIndex"/>: every random choice from (seed, optimizer, index), so any process draws the same.</summary>
    public OptimizerSpec Sample(long seed, int optimizerIndex, int configIndex)
    {
        var random = MersenneTwister.FromArray([unchecked((uint)seed), (uint)(seed >> 32), (uint)optimizerIndex, (uint)configIndex]);
        var options = Dimensions.Select(d => new KeyValuePair<string, string>(d.Key, d.Sample(random).ToString("G6", CultureInfo.InvariantCulture))).ToList();
        var spec = new OptimizerSpec(Optimizer, options, string.Empty);
        return spec with { Label = spec.Text };
    }

    /// <summary>Every option at its LOW end, then every option at its HIGH end: both must be valid settings.</summary>
    public IEnumerable<OptimizerSpec> Ends() =>
        [End(d => d.Low), End(d => d.High)];

    public override string ToString() => $"{Optimizer}:{string.Join(",", Dimensions)}";

    private OptimizerSpec End(Func<SearchDimension, double> end)
    {
        var spec = new OptimizerSpec(Optimizer, [.. Dimensions.Select(d => new KeyValuePair<string, string>(d.Key, end(d).ToString("R", CultureInfo.InvariantCulture)))], string.Empty);
        return spec with { Label = spec.Text };
    }

    private static SearchDimension ParseDimension(string text, string part, string form)
    {
        int equals = part.IndexOf('=', StringComparison.Ordinal);
        string key = equals > 0 ? part[..equals].Trim() : string.Empty;
        string range = equals > 0 ? part[(equals + 1)..] : string.Empty;
        bool log = range.EndsWith(":log", StringComparison.OrdinalIgnoreCase);
        if (log)
        {
            range = range[..^4];
        }

        string[] bounds = range.Split("..", StringSplitOptions.TrimEntries);
        if (key.Length == 0 || bounds.Length != 2
            || !double.TryParse(bounds[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double low)
            || !double.TryParse(bounds[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double high))
        {
            throw new UsageException($"--space '{text}': '{part}' is not KEY=LOW..HIGH[:log]. {form}");
        }

        if (!(double.IsFinite(low) && double.IsFinite(high) && low < high) || (log && low <= 0))
        {
            throw new UsageException($"--space '{text}': '{part}' needs finite LOW < HIGH{(log ? " and LOW > 0 on a log scale" : string.Empty)}.");
        }

        return new SearchDimension(key, low, high, log);
    }
}
