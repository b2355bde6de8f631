using System.Text.Json;

namespace Descent.Cli.Verification;

/// <summary>
/// Runs one kind of top-level section of a goldens-schema file (see tests/goldens/README.md): the
/// optimizer cases, the L-BFGS runs, scheduler cases, clipping cases, networks. <see cref="GoldenRunner"/>
/// offers every section of a file to each registered suite; a section no suite accepts is a failure.
/// To add a kind, implement this and list it in <see cref="GoldenRunner.DefaultSuites"/>.
/// </summary>
internal interface IGoldenSuite
{
    /// <summary>A short name for messages, e.g. <c>optimizers</c>.</summary>
    string Name { get; }

    /// <summary>Whether this suite runs <paramref name="section"/> (e.g. <c>cases</c> whose items have <c>optimizer</c> and <c>steps</c>).</summary>
    /// <param name="section">The top-level key.</param>
    /// <param name="value">Its value.</param>
    /// <returns><see langword="true"/> to run it.</returns>
    bool Accepts(string section, JsonElement value);

    /// <summary>Runs every case of the section. A case that cannot run is a failed result with the reason, never skipped.</summary>
    /// <param name="section">The top-level key.</param>
    /// <param name="value">Its value.</param>
    /// <param name="settings">How to run (precision).</param>
    /// <returns>One result per case.</returns>
    IEnumerable<GoldenResult> Run(string section, JsonElement value, VerifySettings settings);
}

/// <summary>
/// Runs a whole file that is one experiment rather than a set of sections (the book's chapter-6 files): asked before
/// the section suites; the first that accepts the file runs it.
/// </summary>
internal interface IGoldenFileSuite
{
    /// <summary>A short name for messages.</summary>
    string Name { get; }

    /// <summary>Whether this suite runs the file whose top level is <paramref name="root"/>.</summary>
    /// <param name="root">The parsed file.</param>
    /// <returns><see langword="true"/> to run it.</returns>
    bool Accepts(JsonElement root);

    /// <summary>Runs the file's experiment and compares it with the file.</summary>
    /// <param name="root">The parsed file.</param>
    /// <param name="settings">How to run.</param>
    /// <returns>One result per compared curve.</returns>
    IEnumerable<GoldenResult> Run(JsonElement root, VerifySettings settings);
}

/// <summary>
/// A suite whose section is an array of cases, one result each, told from other suites' sections by the fields of
/// its first case (and, where several kinds share a name such as <c>cases</c>, by the section's name).
/// </summary>
/// <param name="name">The suite's short name.</param>
/// <param name="sectionName">The only section name it runs, or <see langword="null"/> for any.</param>
/// <param name="keys">The fields its first case must have.</param>
internal abstract class CaseSuite(string name, string? sectionName, params string[] keys) : IGoldenSuite
{
    public string Name => name;

    public bool Accepts(string section, JsonElement value)
    {
        if ((sectionName is not null && section != sectionName)
            || value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0 || value[0].ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var first = value[0];
        return keys.All(key => first.TryGetProperty(key, out _));
    }

    public IEnumerable<GoldenResult> Run(string section, JsonElement value, VerifySettings settings) =>
        value.EnumerateArray().Select(c => RunCase(c, settings));

    /// <summary>Runs one case; one that cannot run is a failed result with the reason (see <see cref="GoldenResult.Of"/>).</summary>
    /// <param name="c">The case.</param>
    /// <param name="settings">How to run (precision).</param>
    /// <returns>Its result.</returns>
    protected abstract GoldenResult RunCase(JsonElement c, VerifySettings settings);
}

/// <summary>How <c>descent verify</c> runs the cases.</summary>
/// <param name="Float">Run in float (tolerance 1e-4) instead of double (1e-10); float32 cases always run in float.</param>
internal sealed record VerifySettings(bool Float = false);

/// <summary>The outcome of one golden case.</summary>
/// <param name="Case">What ran: the reference's name and its options, e.g. <c>Adam lr=0.1, amsgrad=True</c>.</param>
/// <param name="MaxRelativeError">The largest relative error over all compared values (NaN when it could not run).</param>
/// <param name="Tolerance">The largest error that passes.</param>
/// <param name="Reason">Why the case failed to run, or <see langword="null"/>.</param>
internal sealed record GoldenResult(string Case, double MaxRelativeError, double Tolerance, string? Reason = null)
{
    /// <summary>Whether the case ran and stayed within tolerance.</summary>
    public bool Passed => Reason is null && MaxRelativeError <= Tolerance;

    /// <summary>A case that could not run.</summary>
    /// <param name="name">What it was.</param>
    /// <param name="reason">Why it could not run.</param>
    /// <returns>The failed result.</returns>
    public static GoldenResult Failed(string name, string reason) => new(name, double.NaN, 0, reason);

    /// <summary>
    /// Runs one case. An exception that says the case cannot run (an invalid option, a missing field, a value of the
    /// wrong kind) is a failed result with its reason, never a crash of the whole verification.
    /// </summary>
    /// <param name="name">What runs.</param>
    /// <param name="tolerance">The largest error that passes.</param>
    /// <param name="replay">Replays the case and returns its largest relative error.</param>
    /// <returns>The result.</returns>
    public static GoldenResult Of(string name, double tolerance, Func<double> replay)
    {
        try
        {
            return new GoldenResult(name, replay(), tolerance);
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException or NotSupportedException)
        {
            return Failed(name, GoldenRunner.Reason(ex));
        }
    }
}
