using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.NeuralNetworks;

namespace Descent.Cli.Book;

/// <summary>Writing and reading the goldens' chapter-6 schema (<c>tests/goldens/book/ch6/README.md</c>).</summary>
internal static class BookJson
{
    /// <summary>Floats as shortest round-trip numbers; non-finite ones as the strings "NaN", "Infinity", "-Infinity", as the goldens write them.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static JsonArray Numbers(IEnumerable<double> values) => [.. values.Select(v => (JsonNode?)JsonValue.Create(v))];

    public static JsonArray Integers(IEnumerable<int> values) => [.. values.Select(v => (JsonNode?)JsonValue.Create(v))];

    /// <summary><c>W[0,:4]</c> of a book-convention network's weight matrix <paramref name="name"/> (rows are inputs).</summary>
    public static JsonArray FirstRow<T>(Network<T> network, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var weight = network.Parameters.Single(p => p.Name == name);
        return Numbers(weight.Value.Span[..4].ToArray().Select(double.CreateChecked));
    }

    public static string Write(JsonNode node) => node.ToJsonString(Options);

    /// <summary>A number of the schema, also when written as one of the non-finite strings.</summary>
    public static double Number(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var s => double.Parse(s!, CultureInfo.InvariantCulture),
        }
        : e.GetDouble();

    public static double[] NumberArray(JsonElement e) => [.. e.EnumerateArray().Select(Number)];
}
