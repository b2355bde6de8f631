using System.Text.Json;

namespace Descent.Cli.Verification;

/// <summary>
/// Learning-rate schedules (pytorch/schedulers.json <c>cases</c>), replayed by <see cref="GoldenReplay.ReplaySchedule"/>:
/// the rate (and momentum, where recorded) before each step compared.
/// </summary>
internal sealed class SchedulerSuite : IGoldenSuite
{
    public string Name => "schedulers";

    public bool Accepts(string section, JsonElement value) =>
        value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0
        && value[0].ValueKind == JsonValueKind.Object && value[0].TryGetProperty("scheduler", out _)
        && value[0].TryGetProperty("lr_before_each_step", out _);

    public IEnumerable<GoldenResult> Run(string section, JsonElement value, VerifySettings settings) =>
        value.EnumerateArray().Select(c => GoldenResult.Of(
            c.TryGetProperty("scheduler", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "scheduler case",
            1e-12,
            () => GoldenReplay.ScheduleError(c)));
}
