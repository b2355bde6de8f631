using System.Text.Json;

namespace Descent.Cli.Verification;

/// <summary>
/// The book's 2-D trajectories (book/naive_trajectories.json), replayed by <see cref="GoldenReplay.ReplayBookTrajectory(string, JsonElement)"/>:
/// each section is one of the book's optimizers on f(x, y) = x²/20 + y², run with the book's conventions
/// (<c>Book*</c> classes) in double.
/// </summary>
internal sealed class BookTrajectorySuite : IGoldenSuite
{
    public string Name => "book trajectories";

    public bool Accepts(string section, JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty("points", out _) && value.TryGetProperty("params", out _);

    public IEnumerable<GoldenResult> Run(string section, JsonElement value, VerifySettings settings) =>
        [GoldenResult.Of($"Book{section} {GoldenReplay.Describe(value.GetProperty("params"))}", 1e-14, () => GoldenReplay.ReplayBookTrajectory(section, value))];
}
