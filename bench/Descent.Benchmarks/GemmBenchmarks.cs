using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Descent.Cli.Bench;
using Descent.Numerics;

namespace Descent.Benchmarks;

/// <summary>
/// Matrix multiply at 1024³ and at the book network's shapes (forward X·W, backward Xᵀ·dY and dY·Wᵀ
/// at batch 128), on one core and on all cores, next to the FMA peak measured in the same run: the
/// "GFLOP/s" column is 2·m·k·n over the median time (robust on a shared machine), "Of peak" divides it
/// by the peak row with the same thread count. Run: <c>dotnet run -c Release --project bench/Descent.Benchmarks -- --filter '*Gemm*'</c>.
/// </summary>
[Config(typeof(GemmBenchmarkConfig))]
public class GemmBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];
    private float[] _sinks = [];
    private GemmContext _context = GemmContext.Default;

    /// <summary>Every case of the suite; the peak loops come first so the table reads top-down.</summary>
    public static IEnumerable<GemmCase> Cases()
    {
        int all = Environment.ProcessorCount;
        foreach (int threads in new[] { 1, all })
        {
            yield return GemmCase.Peak(threads);
        }

        foreach (int threads in new[] { 1, all })
        {
            yield return new GemmCase("1024³", 1024, 1024, 1024, false, false, threads);
            yield return new GemmCase("X·W1", 128, 784, 100, false, false, threads);
            yield return new GemmCase("H·W", 128, 100, 100, false, false, threads);
            yield return new GemmCase("H·W5", 128, 100, 10, false, false, threads);
            yield return new GemmCase("Xᵀ·dY", 784, 128, 100, true, false, threads);
            yield return new GemmCase("dY·W1ᵀ", 128, 100, 784, false, true, threads);
            yield return new GemmCase("Hᵀ·dY", 100, 128, 100, true, false, threads);
            yield return new GemmCase("dY·Wᵀ", 128, 100, 100, false, true, threads);
        }
    }

    [ParamsSource(nameof(Cases))]
    public GemmCase Case { get; set; } = GemmCase.Peak(1);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _a = [.. Enumerable.Range(0, Case.M * Case.K).Select(_ => (float)random.NextDouble() - 0.5f)];
        _b = [.. Enumerable.Range(0, Case.K * Case.N).Select(_ => (float)random.NextDouble() - 0.5f)];
        _c = new float[Case.M * Case.N];
        _sinks = new float[Case.Threads];
        _context = new GemmContext { Threads = Case.Threads };
    }

    [Benchmark]
    public void Run()
    {
        if (Case.IsPeak)
        {
            if (Case.Threads == 1)
            {
                _sinks[0] = MachineProbe.FmaChains(GemmCase.PeakIterations);
            }
            else
            {
                Parallel.For(0, Case.Threads, t => _sinks[t] = MachineProbe.FmaChains(GemmCase.PeakIterations));
            }

            return;
        }

        Gemm.Multiply<float>(_a, _b, _c, Case.M, Case.K, Case.N, Case.TransposeA, Case.TransposeB, 1f, 0f, _context);
    }
}

/// <summary>One row of <see cref="GemmBenchmarks"/>: a product shape or the FMA peak loop, and its thread count.</summary>
public sealed record GemmCase(string Name, int M, int K, int N, bool TransposeA, bool TransposeB, int Threads)
{
    /// <summary>Iterations of the peak loop per thread (about 1.5 ms here).</summary>
    public const long PeakIterations = 1_000_000;

    public bool IsPeak => Name == "FMA peak";

    public double Flops => IsPeak ? MachineProbe.FmaFlops(PeakIterations) * Threads : 2.0 * M * K * N;

    public static GemmCase Peak(int threads) => new("FMA peak", 0, 0, 0, false, false, threads);

    public override string ToString() => IsPeak
        ? $"{Name} {Threads}T"
        : string.Create(CultureInfo.InvariantCulture, $"{Name} {M}x{K}x{N} {Threads}T");
}

internal sealed class GemmBenchmarkConfig : ManualConfig
{
    public GemmBenchmarkConfig()
    {
        AddColumn(new GflopsColumn(fractionOfPeak: false), new GflopsColumn(fractionOfPeak: true));
        WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40));
    }
}

/// <summary>GFLOP/s of a case, or that as a fraction of the same run's FMA peak at the same thread count.</summary>
internal sealed class GflopsColumn(bool fractionOfPeak) : IColumn
{
    public string Id => fractionOfPeak ? "OfPeak" : "GFLOPS";

    public string ColumnName => fractionOfPeak ? "Of peak" : "GFLOP/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => fractionOfPeak ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => fractionOfPeak
        ? "GFLOP/s divided by the FMA peak row with the same thread count"
        : "Floating-point operations (2·m·k·n) per second over the median time, in 10⁹";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (Gflops(summary, benchmarkCase) is not { } gflops || CaseOf(benchmarkCase) is not { } gemmCase)
        {
            return "-";
        }

        if (!fractionOfPeak)
        {
            return gflops.ToString("F1", CultureInfo.InvariantCulture);
        }

        var peak = summary.BenchmarksCases.FirstOrDefault(
            other => CaseOf(other) is { IsPeak: true } p && p.Threads == gemmCase.Threads);
        return peak is not null && Gflops(summary, peak) is { } peakGflops
            ? (gflops / peakGflops).ToString("P0", CultureInfo.InvariantCulture)
            : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    private static GemmCase? CaseOf(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Parameters.Items.Select(p => p.Value).OfType<GemmCase>().FirstOrDefault();

    private static double? Gflops(Summary summary, BenchmarkCase benchmarkCase)
    {
        double? medianNs = summary[benchmarkCase]?.ResultStatistics?.Median;
        return medianNs is > 0 && CaseOf(benchmarkCase) is { } gemmCase ? gemmCase.Flops / medianNs.Value : null;
    }
}
