using System.Reflection;
using Descent.Optimizers;

namespace Descent.Tests.Configuration;

/// <summary>The written-out option table against the records it describes (reflection only here, to catch a missed property).</summary>
public class OptionDescriptorTests
{
    public static TheoryData<string> Entries => [.. OptimizerCatalog.All.Concat(OptimizerCatalog.ClosureOptimizers).Select(e => e.Name)];

    [Theory]
    [MemberData(nameof(Entries))]
    public void EverySettableProperty_HasExactlyOneDescriptor_WithHelp(string name)
    {
        var info = Find(name);
        var settable = info.Defaults.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.Name != "EqualityContract")
            .Select(p => p.Name)
            .Order(StringComparer.Ordinal);
        var described = info.OptionDescriptors.SelectMany(d => d.Properties).Order(StringComparer.Ordinal);
        Assert.Equal(settable, described);
        Assert.All(info.OptionDescriptors, d => Assert.False(string.IsNullOrWhiteSpace(d.Help), d.Name));
        Assert.Equal("lr", info.OptionNames[0]);
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void EachDefault_FormattedAndReadBack_IsTheDefault(string name)
    {
        var info = Find(name);
        var pairs = info.OptionDescriptors.Select(d => new KeyValuePair<string, string>(d.Name, d.Format(info.Defaults)));
        Assert.Equal(info.Defaults, info.Options(pairs));
    }

    private static OptimizerInfo Find(string name) => OptimizerCatalog.ClosureOptimizers.FirstOrDefault(e => e.Name == name) ?? OptimizerCatalog.Find(name);
}
