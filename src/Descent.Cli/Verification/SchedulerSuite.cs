using System.Text.Json;

namespace Descent.Cli.Verification;

/// <summary>
/// Learning-rate schedules (pytorch/schedulers.json <c>cases</c>), replayed by <see cref="GoldenReplay.ReplaySchedule"/>:
/// the rate (and momentum, where recorded) before each step compared.
/// </summary>
internal sealed class SchedulerSuite() : CaseSuite("schedulers", null, "scheduler", "lr_before_each_step")
{
    protected override GoldenResult RunCase(JsonElement c, VerifySettings settings) => GoldenResult.Of(
        c.TryGetProperty("scheduler", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "scheduler case",
        1e-12,
        () => GoldenReplay.ScheduleError(c));
}
