using BenchmarkDotNet.Running;

namespace Descent.Benchmarks;

/// <summary>Runs the kernel-level suites: <c>dotnet run -c Release --project bench/Descent.Benchmarks -- --filter '*'</c>.</summary>
internal static class Program
{
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
