using System.Globalization;
using System.Numerics.Tensors;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Descent.Numerics;
using Descent.Optimizers;

namespace Descent.Benchmarks;

/// <summary>
/// <c>Step()</c> of each optimizer on float parameters, next to a STREAM-style triad over the same number of
/// elements measured in the same run; the <c>GB/s</c> column counts the bytes each must read plus write per
/// element (SGD 12, Momentum/AdaGrad/RMSprop/ASGD 20, the Adam family 28, AMSGrad 36), so each optimizer's
/// GB/s over the triad's is the fraction of this machine's bandwidth it reaches. Two sizes: 10M parameters
/// (DRAM-bound) and the book's 784-100-100-100-100-10 network (W and b per layer, 109,810 parameters as ten
/// tensors; cache-resident). Flush-to-zero is on (printed at setup), as in the lab.
/// <c>dotnet run -c Release --project bench/Descent.Benchmarks -- --filter '*OptimizerStep*'</c>
/// </summary>
[Config(typeof(BandwidthConfig))]
[MemoryDiagnoser]
public class OptimizerStepBenchmarks
{
    /// <summary>Bytes read plus written per element, in float.</summary>
    internal static readonly Dictionary<string, int> BytesPerElement = new(StringComparer.Ordinal)
    {
        ["Triad"] = 12,
        ["sgd"] = 12,
        ["book-sgd"] = 12,
        ["momentum"] = 20,
        ["book-momentum"] = 20,
        ["book-nesterov"] = 20,
        ["adagrad"] = 20,
        ["book-adagrad"] = 20,
        ["rmsprop"] = 20,
        ["book-rmsprop"] = 20,
        ["asgd"] = 20,
        ["adam"] = 28,
        ["adamw"] = 28,
        ["book-adam"] = 28,
        ["nadam"] = 28,
        ["radam"] = 28,
        ["adamax"] = 28,
        ["adadelta"] = 28,
        ["rprop"] = 28,
        ["adam:amsgrad=true"] = 36,
        ["rmsprop:centered=true,momentum=0.9"] = 36,
    };

    private static readonly int[] BookLayers = [784, 100, 100, 100, 100, 10];

    private IOptimizer<float> _optimizer = null!;

    /// <summary>Parameter set: <c>10M</c> floats in one tensor, or <c>BookNet</c>.</summary>
    [Params("10M", "BookNet")]
    public string Size { get; set; } = "10M";

    /// <summary>The optimizer, as a catalog specification (PyTorch defaults except where given).</summary>
    [Params("sgd", "momentum", "adagrad", "rmsprop", "adam", "adamw", "nadam", "radam", "adamax", "adadelta", "rprop", "asgd",
        "adam:amsgrad=true", "rmsprop:centered=true,momentum=0.9",
        "book-sgd", "book-momentum", "book-nesterov", "book-adagrad", "book-rmsprop", "book-adam")]
    public string Optimizer { get; set; } = "adam";

    /// <summary>Parameters in a size: 10M, or the book network's 109,810.</summary>
    internal static int Elements(string size) => size == "10M"
        ? 10_000_000
        : Enumerable.Range(0, BookLayers.Length - 1).Sum(l => (BookLayers[l] * BookLayers[l + 1]) + BookLayers[l + 1]);

    [GlobalSetup]
    public void Setup()
    {
        bool flushed = Denormals.TrySetFlushToZero(true);
        Console.WriteLine($"// Flush-to-zero: {(flushed ? "on" : "unavailable")}");
        int n = Elements(Size);
        var parameters = new List<Parameter<float>>();
        if (Size == "10M")
        {
            parameters.Add(Parameter("w", n));
        }
        else
        {
            for (int l = 0; l < BookLayers.Length - 1; l++)
            {
                parameters.Add(Parameter(string.Create(CultureInfo.InvariantCulture, $"W{l + 1}"), BookLayers[l] * BookLayers[l + 1]));
                parameters.Add(Parameter(string.Create(CultureInfo.InvariantCulture, $"b{l + 1}"), BookLayers[l + 1]));
            }
        }

        string specification = Optimizer.Contains(':', StringComparison.Ordinal) ? Optimizer + ",lr=1e-3" : Optimizer + ":lr=1e-3";
        _optimizer = OptimizerCatalog.Create(specification, parameters);
        _optimizer.Step();
    }

    /// <summary>One optimizer step over every parameter.</summary>
    [Benchmark]
    public void Step() => _optimizer.Step();

    private static Parameter<float> Parameter(string name, int length)
    {
        var value = new float[length];
        var gradient = new float[length];
        for (int i = 0; i < length; i++)
        {
            value[i] = 0.01f * MathF.Sin(i);
            gradient[i] = 1e-3f * MathF.Cos(i);
        }

        return new Parameter<float>(name, value, gradient);
    }
}

/// <summary>
/// The yardstick for <see cref="OptimizerStepBenchmarks"/>: a STREAM triad a = b + s·c (12 bytes per element) over the
/// same element counts; run both with <c>--filter '*OptimizerStep*'</c>.
/// </summary>
[Config(typeof(BandwidthConfig))]
public class OptimizerStepTriad
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    /// <summary>Element count, as in <see cref="OptimizerStepBenchmarks.Size"/>.</summary>
    [Params("10M", "BookNet")]
    public string Size { get; set; } = "10M";

    [GlobalSetup]
    public void Setup()
    {
        int n = OptimizerStepBenchmarks.Elements(Size);
        _a = new float[n];
        _b = new float[n];
        _c = new float[n];
        _b.AsSpan().Fill(1f);
        _c.AsSpan().Fill(2f);
    }

    /// <summary>a = b + 3c, vectorized (TensorPrimitives).</summary>
    [Benchmark]
    public void Triad() => TensorPrimitives.MultiplyAdd(_c, 3f, _b, _a);
}

internal sealed class BandwidthConfig : ManualConfig
{
    public BandwidthConfig() => AddColumn(new BandwidthColumn());
}

/// <summary>GB/s = bytes per element × elements / mean time.</summary>
internal sealed class BandwidthColumn : IColumn
{
    public string Id => "GBps";

    public string ColumnName => "GB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Bytes read plus written per element × elements / mean time";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is null)
        {
            return "-";
        }

        string size = (string)benchmarkCase.Parameters["Size"];
        string key = benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(OptimizerStepTriad.Triad) ? "Triad" : (string)benchmarkCase.Parameters["Optimizer"];
        int elements = OptimizerStepBenchmarks.Elements(size);
        double bytes = (double)OptimizerStepBenchmarks.BytesPerElement[key] * elements;
        return (bytes / report.ResultStatistics.Mean).ToString("F1", CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
