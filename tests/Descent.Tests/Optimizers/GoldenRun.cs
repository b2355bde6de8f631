using System.Numerics;
using System.Text.Json;
using Descent.Optimizers;
using Descent.Testing;

namespace Descent.Tests.Optimizers;

/// <summary>The repository's optimizer goldens, case by case, replayed by the replayer <c>descent verify</c> uses too (<see cref="GoldenReplay"/>).</summary>
internal static class GoldenRun
{
    private static readonly Lazy<JsonDocument> PyTorch = new(() => Goldens.Load("pytorch/optimizers.json"));

    private static readonly Lazy<JsonDocument> Optax = new(() => Goldens.Load("optax/optimizers.json"));

    public static JsonElement Case(int index) => PyTorch.Value.RootElement.GetProperty("cases")[index];

    public static JsonElement OptaxCase(int index) => Optax.Value.RootElement.GetProperty("cases")[index];

    /// <summary>Indices of the Optax cases.</summary>
    public static TheoryData<int> OptaxIndices() => [.. Enumerable.Range(0, Optax.Value.RootElement.GetProperty("cases").GetArrayLength())];

    /// <summary>Indices of every case (L-BFGS's runs are a separate section, replayed by LbfgsTests).</summary>
    public static TheoryData<int> Indices()
    {
        var data = new TheoryData<int>();
        var cases = PyTorch.Value.RootElement.GetProperty("cases");
        for (int i = 0; i < cases.GetArrayLength(); i++)
        {
            data.Add(i);
        }

        return data;
    }

    public static string Describe(JsonElement c) =>
        c.TryGetProperty("kwargs", out var kwargs)
            ? $"{c.GetProperty("optimizer").GetString()} {kwargs.GetRawText()} groups={c.GetProperty("groups").GetRawText()}"
            : c.GetProperty("optimizer").GetString()!;

    /// <summary>Runs the case in <typeparamref name="T"/> through the shared replayer and returns the largest relative error over all steps and elements.</summary>
    public static double MaxRelativeError<T>(JsonElement c, Action<IOptimizer<T>>? configure = null)
        where T : unmanaged, IFloatingPointIeee754<T> => GoldenReplay.ReplayCase(c, configure);
}
