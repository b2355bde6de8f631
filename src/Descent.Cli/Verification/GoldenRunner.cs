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

    /// <summary>Suites that run a whole file of their own kind (the book's chapter 6 experiments).</summary>
    public static IReadOnlyList<IGoldenFileSuite> FileSuites { get; } = [new Book.BookChapter6Suite()];

    /// <summary>A runner with <see cref="DefaultSuites"/>.</summary>
    public GoldenRunner()
        : this(DefaultSuites)
    {
    }

    /// <summary>Runs every section of <paramref name="path"/>, flattened; see <see cref="RunSections"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="settings">How to run.</param>
    /// <returns>One result per case.</returns>
    /// <exception cref="GoldenFileException">The file is missing, unreadable, or not a goldens file.</exception>
    public IEnumerable<GoldenResult> Run(string path, VerifySettings settings) => [.. RunSections(path, settings).SelectMany(s => s.Results)];

    /// <summary>
    /// Runs every section of <paramref name="path"/> but <c>meta</c>. An empty section has 0 cases; a section no
    /// suite runs is one failed case; a file none of whose sections is known is not a goldens file at all.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="settings">How to run.</param>
    /// <returns>Each section with its results, in file order.</returns>
    /// <exception cref="GoldenFileException">The file is missing, unreadable, or not a goldens file.</exception>
    public IReadOnlyList<GoldenSection> RunSections(string path, VerifySettings settings)
    {
        using var document = Load(path);
        if (FileSuites.FirstOrDefault(s => s.Accepts(document.RootElement)) is { } fileSuite)
        {
            return [new GoldenSection("file", [.. fileSuite.Run(document.RootElement, settings)])];
        }

        var sections = document.RootElement.EnumerateObject().Where(s => s.Name != "meta").ToList();
        if (!sections.Any(s => IsEmpty(s.Value) || suites.Any(suite => suite.Accepts(s.Name, s.Value))))
        {
            string found = sections.Count == 0 ? "it has no sections" : $"none of its sections ({string.Join(", ", sections.Select(s => s.Name))}) is one that verify runs";
            throw new GoldenFileException($"{path} is not a goldens file: {found}; see tests/goldens/README.md for the schema.");
        }

        return [.. sections.Select(s => new GoldenSection(s.Name, [.. RunSection(s, settings)]))];
    }

    /// <summary>Parses a goldens file, or says in one line why it is not one.</summary>
    private static JsonDocument Load(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new GoldenFileException($"{path} does not exist.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new GoldenFileException($"cannot read {path}: {ex.Message}", ex);
        }
        catch (JsonException ex)
        {
            throw new GoldenFileException($"{path} is not a goldens file: it is not JSON (line {ex.LineNumber + 1}).", ex);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new GoldenFileException($"{path} is not a goldens file: its top level is not a JSON object.");
        }

        return document;
    }

    private static bool IsEmpty(JsonElement value) =>
        (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0)
        || (value.ValueKind == JsonValueKind.Object && !value.EnumerateObject().Any());

    private IEnumerable<GoldenResult> RunSection(JsonProperty section, VerifySettings settings)
    {
        if (IsEmpty(section.Value))
        {
            return [];
        }

        var suite = suites.FirstOrDefault(s => s.Accepts(section.Name, section.Value));
        return suite is null
            ? [GoldenResult.Failed(section.Name, $"no suite runs section '{section.Name}' (unknown file kind or not implemented; suites: {string.Join(", ", suites.Select(s => s.Name))})")]
            : suite.Run(section.Name, section.Value, settings);
    }

    /// <summary>An exception's message without the "(Parameter 'x')" suffix that ArgumentException appends.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The message.</returns>
    public static string Reason(Exception exception) =>
        exception is ArgumentException { ParamName: { } name } && exception.Message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal)
            ? exception.Message[..^$" (Parameter '{name}')".Length]
            : exception.Message;
}

/// <summary>One top-level section of a goldens file and the results of its cases (none when the section is empty).</summary>
/// <param name="Name">The section's key, e.g. <c>cases</c> or <c>clip</c>.</param>
/// <param name="Results">One result per case.</param>
internal sealed record GoldenSection(string Name, IReadOnlyList<GoldenResult> Results);

/// <summary>A file given to <c>descent verify</c> that is missing, unreadable, or not in the goldens schema.</summary>
internal sealed class GoldenFileException : Exception
{
    public GoldenFileException(string message)
        : base(message)
    {
    }

    public GoldenFileException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public GoldenFileException()
    {
    }
}
