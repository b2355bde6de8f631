using System.Globalization;
using System.Text.Json;

namespace Descent.Cli.Lab;

/// <summary>Compares loss curves with a reference file in the goldens' book schema (<c>{"loss": {name: [...]}}</c>).</summary>
internal static class GoldenCheck
{
    public static IEnumerable<(string Label, string Line)> Compare(MnistRecord record, string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"--check '{path}': no such file.");
        }

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        if (!json.RootElement.TryGetProperty("loss", out var losses))
        {
            throw new InvalidDataException($"{path} has no \"loss\" object of curves.");
        }

        var results = new List<(string, string)>();
        foreach (var run in record.Runs)
        {
            if (!losses.TryGetProperty(run.Label, out var reference))
            {
                results.Add((run.Label, "no curve of that name in the reference"));
                continue;
            }

            double[] expected = [.. reference.EnumerateArray().Select(e => e.GetDouble())];
            int n = Math.Min(expected.Length, run.Loss.Length);
            double worst = 0;
            int at = 0;
            for (int i = 0; i < n; i++)
            {
                double error = Math.Abs(run.Loss[i] - expected[i]) / Math.Max(Math.Abs(expected[i]), double.Epsilon);
                if (error > worst)
                {
                    worst = error;
                    at = i;
                }
            }

            results.Add((run.Label, string.Create(CultureInfo.InvariantCulture, $"largest relative difference {worst:E2} (iteration {at}) over {n} iterations")));
        }

        return results;
    }
}
