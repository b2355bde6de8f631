using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Descent.Cli.Verification;

/// <summary>Runs goldens-schema files through the registered suites.</summary>
/// <param name="suites">The suites, asked in order; the first that accepts a section runs it.</param>
internal sealed class GoldenRunner(IReadOnlyList<IGoldenSuite> suites)
{
    /// <summary>The suites <c>descent verify</c> knows.</summary>
    public static IReadOnlyList<IGoldenSuite> DefaultSuites { get; } =
    [
        new OptimizerSuite(),
        new LbfgsSuite(),
        new BookTrajectorySuite(),
        new SchedulerSuite(),
        new ClipSuite(),
        new NetworkSuite(),
    ];

    /// <summary>The suites that take a whole file (asked first).</summary>
    public static IReadOnlyList<IGoldenFileSuite> FileSuites { get; } = [new Book.BookChapter6Suite()];

    /// <summary>A runner with <see cref="DefaultSuites"/>.</summary>
    public GoldenRunner()
        : this(DefaultSuites)
    {
    }

    /// <summary>Runs every section of <paramref name="path"/>; unreadable files and unknown sections are failures.</summary>
    /// <param name="path">The file.</param>
    /// <param name="settings">How to run.</param>
    /// <returns>One result per case.</returns>
    public IEnumerable<GoldenResult> Run(string path, VerifySettings settings)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return [GoldenResult.Failed(Path.GetFileName(path), $"cannot read {path}: {ex.Message}")];
        }

        using (document)
        {
            return [.. RunDocument(document.RootElement, settings)];
        }
    }

    private IEnumerable<GoldenResult> RunDocument(JsonElement root, VerifySettings settings)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            yield return GoldenResult.Failed("file", "unknown file kind: the top level is not a JSON object");
            yield break;
        }

        if (FileSuites.FirstOrDefault(s => s.Accepts(root)) is { } fileSuite)
        {
            foreach (var result in fileSuite.Run(root, settings))
            {
                yield return result;
            }

            yield break;
        }

        foreach (var section in root.EnumerateObject())
        {
            if (section.Name is "meta")
            {
                continue;
            }

            var suite = suites.FirstOrDefault(s => s.Accepts(section.Name, section.Value));
            if (suite is null)
            {
                yield return GoldenResult.Failed(
                    section.Name,
                    $"no suite runs section '{section.Name}' (unknown file kind or not implemented; suites: {string.Join(", ", suites.Select(s => s.Name))})");
                continue;
            }

            foreach (var result in suite.Run(section.Name, section.Value, settings))
            {
                yield return result;
            }
        }
    }

    /// <summary>
    /// The relative error of <paramref name="actual"/> against <paramref name="expected"/>, per tensor:
    /// ‖actual − expected‖∞ / ‖expected‖∞ (absolute when the expected tensor is all zero; NaN counts as infinite).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="actual">The computed values.</param>
    /// <param name="expected">The golden values, a JSON array of numbers.</param>
    /// <returns>The error.</returns>
    public static double RelativeError<T>(ReadOnlySpan<T> actual, JsonElement expected)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (expected.GetArrayLength() != actual.Length)
        {
            return double.PositiveInfinity;
        }

        double difference = 0, scale = 0;
        int i = 0;
        foreach (var v in expected.EnumerateArray())
        {
            double want = v.GetDouble();
            double got = double.CreateTruncating(actual[i++]);
            difference = double.IsNaN(got) ? double.PositiveInfinity : Math.Max(difference, Math.Abs(got - want));
            scale = Math.Max(scale, Math.Abs(want));
        }

        return scale == 0 ? difference : difference / scale;
    }

    /// <summary>An exception's message without the "(Parameter 'x')" suffix that ArgumentException appends.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The message.</returns>
    public static string Reason(Exception exception) =>
        exception is ArgumentException { ParamName: { } name } && exception.Message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal)
            ? exception.Message[..^$" (Parameter '{name}')".Length]
            : exception.Message;

    /// <summary>Formats a key/value JSON object as <c>key=value, ...</c>.</summary>
    /// <param name="options">The object (or null).</param>
    /// <returns>The text.</returns>
    public static string Describe(JsonElement options) =>
        options.ValueKind != JsonValueKind.Object ? string.Empty
        : string.Join(", ", options.EnumerateObject().Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name}={Text(p.Value)}")));

    /// <summary>A JSON value as option text: strings unquoted, everything else as written.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };
}
