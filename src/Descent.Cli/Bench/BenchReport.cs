using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Descent.Cli.Bench;

/// <summary>Everything <c>descent bench</c> measured; <c>--json</c> prints it with snake_case names.</summary>
internal sealed class BenchReport
{
    /// <summary>snake_case names, indented, non-ASCII as is: the bench's JSON, single-process or distributed.</summary>
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>UTC time of the run, ISO 8601.</summary>
    public string Date { get; init; } = string.Empty;

    /// <summary>full, quick or tiny (tests).</summary>
    public string Mode { get; init; } = string.Empty;

    /// <summary>Whether subnormals were flushed to zero on the benchmark thread (the lab's default).</summary>
    public bool FlushToZero { get; init; }

    public MachineReport Machine { get; init; } = new();

    public List<OptimizerReport> Optimizers { get; } = [];

    public List<GemmReport> Gemm { get; } = [];

    /// <summary>Muon's step (Newton–Schulz on the GEMM) per matrix shape, against the FMA peak.</summary>
    public List<MuonReport> Muon { get; } = [];

    public List<TrainStepReport> TrainStep { get; } = [];

    /// <summary>How cost grows with size: one optimizer step over parameter counts, one training iteration over batch sizes.</summary>
    public ScalingReport Scaling { get; } = new();

    /// <summary>Wall time of <c>descent compare</c> end to end, process start to the report written; null when it was not run.</summary>
    public double? CompareSeconds { get; set; }

    /// <summary>Iterations per optimizer in that run (the book's 2000 unless testing).</summary>
    public int? CompareIterations { get; set; }

    /// <summary>Where that run's time went, and its peak memory; null when it was not run.</summary>
    public CompareBreakdownReport? CompareBreakdown { get; set; }

    /// <summary>Measured rates above their measured limits: a disturbed probe (see <c>BenchRunner.Disturbed</c>); empty on a clean run.</summary>
    public List<string> Warnings { get; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The time of a run as the bench reports write it: UTC, ISO 8601 to the second.</summary>
    internal static string UtcNow() => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

internal sealed class MachineReport
{
    public string Processor { get; init; } = string.Empty;

    public int ProcessorCount { get; init; }

    public string Os { get; init; } = string.Empty;

    public string Runtime { get; init; } = string.Empty;

    /// <summary>Widest hardware-accelerated vector.</summary>
    public int VectorBits { get; init; }

    /// <summary>STREAM triad with every core, GB/s (median repetition).</summary>
    public double TriadGbps { get; init; }

    [JsonPropertyName("triad_gbps_1t")]
    public double TriadGbps1T { get; init; }

    [JsonPropertyName("fma_gflops_1t")]
    public double FmaGflops1T { get; init; }

    public double FmaGflopsAll { get; init; }

    /// <summary>Each probe's worst, median and best repetition.</summary>
    public Dictionary<string, ProbeReport> Probes { get; } = [];

    /// <summary>Data and unified caches, smallest first (empty where neither sysfs nor CPUID tells).</summary>
    public List<CacheLevel> Caches { get; } = [];
}

internal sealed record ProbeReport(double Min, double Median, double Max, int Threads);

internal sealed class OptimizerReport
{
    public string Name { get; init; } = string.Empty;

    public string Convention { get; init; } = string.Empty;

    public long Params { get; init; }

    /// <summary>
    /// Least bytes one pass must move per parameter: θ read and written, g read, each state tensor read and written.
    /// This is the one-pass bound every element-wise method could reach.
    /// </summary>
    public double BytesPerParam { get; init; }

    /// <summary>
    /// Passes over memory per step: two for the methods that need a norm, an inner product or factored statistics
    /// before they can update (LAMB, LARS, Adafactor, Prodigy…), whose bound is then <see cref="PassBytesPerParam"/>.
    /// </summary>
    public int Passes { get; init; } = 1;

    /// <summary>Bytes per parameter those passes must move together (equal to <see cref="BytesPerParam"/> for one pass).</summary>
    public double PassBytesPerParam { get; init; }

    /// <summary>Median milliseconds per <c>Step()</c>.</summary>
    public double Ms { get; init; }

    public double MsMin { get; init; }

    public double MsMax { get; init; }

    /// <summary>Memory traffic of the passes: <see cref="PassBytesPerParam"/> × parameters / median time.</summary>
    public double Gbps { get; init; }

    /// <summary>One-pass bytes over the time, as a fraction of the all-core triad: how far from the one-pass ideal.</summary>
    public double FractionOfBandwidth { get; init; }

    /// <summary>The same over the one-thread triad.</summary>
    [JsonPropertyName("fraction_of_bandwidth_1t")]
    public double FractionOfBandwidth1T { get; init; }

    /// <summary><see cref="Gbps"/> over the all-core triad: how close the passes the method needs come to memory speed.</summary>
    public double FractionOfPassBound { get; init; }
}

internal sealed class MuonReport
{
    public int Rows { get; init; }

    public int Columns { get; init; }

    public double Ms { get; init; }

    public double MsMin { get; init; }

    public double MsMax { get; init; }

    /// <summary>Newton–Schulz flops per second: 2·k·(2m²n + m³) per step for an m × n matrix, m ≤ n.</summary>
    public double Gflops { get; init; }

    /// <summary>Of the all-core FMA peak.</summary>
    public double FractionOfPeak { get; init; }
}

internal sealed class GemmReport
{
    public string Label { get; init; } = string.Empty;

    public int M { get; init; }

    public int K { get; init; }

    public int N { get; init; }

    public bool TransposeA { get; init; }

    public bool TransposeB { get; init; }

    public string Dtype { get; init; } = string.Empty;

    /// <summary>Threads <c>Gemm.Multiply</c> uses for this size (one below its parallel threshold).</summary>
    public int Threads { get; init; }

    public double Ms { get; init; }

    public double MsMin { get; init; }

    public double MsMax { get; init; }

    /// <summary>2·m·k·n / median time.</summary>
    public double Gflops { get; init; }

    /// <summary><see cref="Gflops"/> over the FMA peak of as many threads as the product used.</summary>
    public double FractionOfPeak { get; init; }
}

internal sealed class TrainStepReport
{
    public string Net { get; init; } = string.Empty;

    public int Batch { get; init; }

    public string Optimizer { get; init; } = string.Empty;

    public string Dtype { get; init; } = string.Empty;

    /// <summary>Median milliseconds of forward, backward and <c>Step()</c> on one batch.</summary>
    public double Ms { get; init; }

    public double MsMin { get; init; }

    public double MsMax { get; init; }

    /// <summary>
    /// The multiply-adds the iteration cannot avoid, in 10⁶ FLOP: per linear layer 2·batch·in·out forward, the same
    /// for ∂W, and again for ∂X except at the first layer (whose input gradient nothing uses). Element-wise work
    /// (bias, activations, softmax, the optimizer) is left out: it is memory-bound and small.
    /// </summary>
    public double NecessaryMflop { get; init; }

    /// <summary><see cref="NecessaryMflop"/> / median time.</summary>
    public double Gflops { get; init; }

    /// <summary><see cref="Gflops"/> over the all-core FMA peak measured in the same run.</summary>
    public double FractionOfPeak { get; init; }
}

internal sealed class CompareBreakdownReport
{
    /// <summary>Process start to the command's first line of work (runtime start, loading, parsing).</summary>
    public double StartupMs { get; init; }

    /// <summary>The 2-D trajectories.</summary>
    [JsonPropertyName("two_d_ms")]
    public double TwoDMs { get; init; }

    /// <summary>Loading the data and training the four optimizers.</summary>
    public double TrainMs { get; init; }

    /// <summary>Writing the data files.</summary>
    public double SaveMs { get; init; }

    public double PlotsMs { get; init; }

    public double ReportMs { get; init; }

    /// <summary>Peak resident memory of the process.</summary>
    public double RssMb { get; init; }
}

internal sealed class ScalingReport
{
    /// <summary>One Adam and one SGD step over log-spaced parameter counts.</summary>
    public List<ScalingOptimizerPoint> Optimizer { get; } = [];

    /// <summary>The book network's iteration (Adam) over batch sizes.</summary>
    public List<ScalingTrainPoint> TrainStep { get; } = [];
}

internal sealed class ScalingOptimizerPoint
{
    public string Name { get; init; } = string.Empty;

    public long Params { get; init; }

    /// <summary>Median milliseconds per <c>Step()</c>.</summary>
    public double Ms { get; init; }

    /// <summary>One-pass bytes per parameter × parameters / median time.</summary>
    public double Gbps { get; init; }

    /// <summary>Nanoseconds per parameter: the curve the report draws.</summary>
    public double NsPerParam { get; init; }

    /// <summary>Bytes the step touches (θ, g and state): where it sits against the caches.</summary>
    public long WorkingSetBytes { get; init; }
}

internal sealed class ScalingTrainPoint
{
    public int Batch { get; init; }

    public string Optimizer { get; init; } = string.Empty;

    public double Ms { get; init; }

    /// <summary>Necessary FLOPs (see <see cref="TrainStepReport.NecessaryMflop"/>) / median time.</summary>
    public double Gflops { get; init; }

    public double FractionOfPeak { get; init; }
}
