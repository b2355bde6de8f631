using System.Globalization;
using Descent.Optimizers;

namespace Descent.Configuration;

/// <summary>What text an option takes.</summary>
public enum OptionKind
{
    /// <summary>A number (<c>lr=0.01</c>); PyTorch's None where the option is optional.</summary>
    Number,

    /// <summary>A whole number (<c>max_iter=20</c>); PyTorch's None where the option is optional.</summary>
    WholeNumber,

    /// <summary><c>true</c> or <c>false</c> (also 1 or 0).</summary>
    Flag,

    /// <summary>One of named choices (<c>line_search_fn=strong_wolfe</c>).</summary>
    Choice,

    /// <summary>Two numbers (<c>betas=[0.9, 0.999]</c>).</summary>
    Pair,
}

/// <summary>
/// One option of an optimizer as text sees it: PyTorch's name, the .NET properties it sets (two for a pair such as
/// <c>betas</c>), what it takes, a line of help, and how to read and set it on an options record. Written out per
/// options record (<see cref="OptimizerText"/>'s table), so that the parser, <c>descent explain</c>, the tuner and the
/// error messages read one list rather than reflecting over the records. The validity rules themselves stay in each
/// record's <see cref="OptimizerOptions.Validate"/>, which also guards options built in code.
/// </summary>
public sealed class OptionDescriptor
{
    private readonly OptionSlot[] _slots;

    internal OptionDescriptor(string name, OptionSlot[] slots)
    {
        Name = name;
        _slots = slots;
    }

    /// <summary>PyTorch's name (<c>lr</c>, <c>betas</c>, <c>weight_decay</c>).</summary>
    public string Name { get; }

    /// <summary>The .NET properties it sets: one, or two for a pair PyTorch takes as one tuple (<c>Beta1</c>, <c>Beta2</c>).</summary>
    public IReadOnlyList<string> Properties => [.. _slots.Select(s => s.Name)];

    /// <summary>What text it takes.</summary>
    public OptionKind Kind => _slots.Length == 2 ? OptionKind.Pair : _slots[0].Kind;

    /// <summary>What it does and which values are valid, from the options record's documentation.</summary>
    public string Help => string.Join(" ", _slots.Select(s => s.Help));

    /// <summary>The names a <see cref="OptionKind.Choice"/> takes (empty otherwise).</summary>
    public IReadOnlyList<string> Choices => _slots[0].Choices;

    internal IReadOnlyList<OptionSlot> Slots => _slots;

    /// <summary>The option's value in <paramref name="options"/> as text it would take back: <c>0.001</c>, <c>[0.9, 0.999]</c>, <c>None</c>.</summary>
    /// <param name="options">Options of the record this descriptor belongs to.</param>
    /// <returns>The text.</returns>
    public string Format(OptimizerOptions options) =>
        _slots.Length == 1 ? _slots[0].Format(options) : "[" + string.Join(", ", _slots.Select(s => s.Format(options))) + "]";

    /// <summary>A copy of <paramref name="target"/> with this option set from <paramref name="value"/>.</summary>
    internal OptimizerOptions Set(OptimizerInfo info, OptimizerOptions target, string value)
    {
        if (_slots.Length == 1)
        {
            return _slots[0].Set(target, new OptionText(info, Name, value));
        }

        var text = new OptionText(info, Name, value);
        double[] pair = text.Numbers();
        if (pair.Length != 2)
        {
            throw text.Error($"takes two numbers, like [0.9, 0.999]; got '{value}'.");
        }

        return _slots[1].SetNumber(_slots[0].SetNumber(target, pair[0], text), pair[1], text);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>One .NET property behind an option: its kind, help, and typed read and copy-with-new-value.</summary>
internal abstract class OptionSlot(string name, string help)
{
    public string Name { get; } = name;

    public string Help { get; } = help;

    public abstract OptionKind Kind { get; }

    public virtual IReadOnlyList<string> Choices => [];

    public abstract string Format(OptimizerOptions options);

    public abstract OptimizerOptions Set(OptimizerOptions options, OptionText text);

    /// <summary>Sets one number of a pair (NaN is PyTorch's None there).</summary>
    public virtual OptimizerOptions SetNumber(OptimizerOptions options, double number, OptionText text) =>
        throw new InvalidOperationException($"{Name} is not a number and cannot be half of a pair.");

    protected static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A number, optional (PyTorch's None) when <paramref name="optional"/>.</summary>
internal sealed class NumberSlot<TOptions>(string name, string help, bool optional, Func<TOptions, double?> get, Func<TOptions, double?, TOptions> set)
    : OptionSlot(name, help)
    where TOptions : OptimizerOptions
{
    public override OptionKind Kind => OptionKind.Number;

    public override string Format(OptimizerOptions options) => get((TOptions)options) is { } v ? Invariant(v) : "None";

    public override OptimizerOptions Set(OptimizerOptions options, OptionText text) =>
        set((TOptions)options, optional && text.IsNone ? null : text.Number());

    public override OptimizerOptions SetNumber(OptimizerOptions options, double number, OptionText text) =>
        !double.IsNaN(number) ? set((TOptions)options, number)
        : optional ? set((TOptions)options, null)
        : throw text.Error($"needs a number for {Name}; got '{text.Value}'.");
}

/// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>], optional (PyTorch's None) when <paramref name="optional"/>.</summary>
internal sealed class IntegerSlot<TOptions>(string name, string help, bool optional, long min, long max, Func<TOptions, long?> get, Func<TOptions, long?, TOptions> set)
    : OptionSlot(name, help)
    where TOptions : OptimizerOptions
{
    public override OptionKind Kind => OptionKind.WholeNumber;

    public override string Format(OptimizerOptions options) => get((TOptions)options) is { } v ? v.ToString(CultureInfo.InvariantCulture) : "None";

    public override OptimizerOptions Set(OptimizerOptions options, OptionText text) =>
        set((TOptions)options, optional && text.IsNone ? null : text.Integer(min, max));
}

internal sealed class FlagSlot<TOptions>(string name, string help, Func<TOptions, bool> get, Func<TOptions, bool, TOptions> set)
    : OptionSlot(name, help)
    where TOptions : OptimizerOptions
{
    public override OptionKind Kind => OptionKind.Flag;

    public override string Format(OptimizerOptions options) => get((TOptions)options) ? "true" : "false";

    public override OptimizerOptions Set(OptimizerOptions options, OptionText text) => set((TOptions)options, text.Boolean());
}

/// <summary>An enum, by PyTorch's string (<c>strong_wolfe</c>) or the .NET name (<c>StrongWolfe</c>); PyTorch's None is the member None.</summary>
internal sealed class ChoiceSlot<TOptions, TEnum>(string name, string help, Func<TOptions, TEnum> get, Func<TOptions, TEnum, TOptions> set)
    : OptionSlot(name, help)
    where TOptions : OptimizerOptions
    where TEnum : struct, Enum
{
    public override OptionKind Kind => OptionKind.Choice;

    public override IReadOnlyList<string> Choices => Enum.GetNames<TEnum>();

    public override string Format(OptimizerOptions options) => get((TOptions)options).ToString();

    public override OptimizerOptions Set(OptimizerOptions options, OptionText text)
    {
        string member = text.IsNone ? "None" : text.Value.Trim().Trim('"', '\'').Replace("_", string.Empty, StringComparison.Ordinal);
        return Enum.TryParse(member, ignoreCase: true, out TEnum parsed) && Enum.IsDefined(parsed)
            ? set((TOptions)options, parsed)
            : throw text.Error($"takes one of {string.Join(", ", Choices)}; got '{text.Value}'.");
    }
}

/// <summary>One property holding two numbers (Rprop's <c>etas</c>, <c>step_sizes</c>).</summary>
internal sealed class TupleSlot<TOptions>(string name, string help, Func<TOptions, (double, double)> get, Func<TOptions, (double, double), TOptions> set)
    : OptionSlot(name, help)
    where TOptions : OptimizerOptions
{
    public override OptionKind Kind => OptionKind.Pair;

    public override string Format(OptimizerOptions options)
    {
        var (first, second) = get((TOptions)options);
        return $"[{Invariant(first)}, {Invariant(second)}]";
    }

    public override OptimizerOptions Set(OptimizerOptions options, OptionText text)
    {
        double[] pair = text.Numbers();
        return pair.Length == 2 ? set((TOptions)options, (pair[0], pair[1]))
            : throw text.Error($"takes two numbers, like [0.9, 0.999]; got '{text.Value}'.");
    }
}

/// <summary>One option's value as text, with the optimizer and the option's name for the error messages.</summary>
internal readonly record struct OptionText(OptimizerInfo Info, string Key, string Value)
{
    /// <summary>PyTorch's None (JSON null) for an optional setting, e.g. Adafactor's eps=(None, 1e-3).</summary>
    public bool IsNone => IsNoneText(Value);

    public static bool IsNoneText(string value) => value.Trim() is "None" or "none" or "null" or "";

    public ArgumentException Error(string what) => Failure($"Option '{Key}' of {Info.Name} {what}", Value);

    public double Number() => Number(Value);

    public long Integer(long min, long max)
    {
        double number = Number();
        return number == Math.Floor(number) && number >= min && number <= max
            ? (long)number
            : throw Error($"takes an integer; got '{Value}'.");
    }

    public bool Boolean() => Value.Trim().ToUpperInvariant() switch
    {
        "TRUE" or "1" => true,
        "FALSE" or "0" => false,
        _ => throw Error($"takes true or false; got '{Value}'."),
    };

    /// <summary>A flat list <c>[a, b]</c>, <c>(a, b)</c> or <c>a, b</c>; None becomes NaN.</summary>
    public double[] Numbers()
    {
        string trimmed = Value.Trim();
        if (trimmed.Length >= 2 && ((trimmed[0] == '[' && trimmed[^1] == ']') || (trimmed[0] == '(' && trimmed[^1] == ')')))
        {
            trimmed = trimmed[1..^1];
        }

        if (trimmed.IndexOfAny(['[', ']', '(', ')']) >= 0)
        {
            throw Error($"takes one flat list of numbers, like [0.9, 0.999]; got '{Value}'.");
        }

        var self = this;
        return [.. trimmed.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => IsNoneText(v) ? double.NaN : self.Number(v))];
    }

    // The exception names the parameter 'value', the bad text, as the binder's messages always have.
    private static ArgumentException Failure(string message, string value) => new(message, nameof(value));

    private double Number(string text)
    {
        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
        {
            throw Error($"takes a number; got '{text}'.");
        }

        // 1e-400 parses as 0: a setting that silently becomes zero (lr = 0 trains nothing) is refused instead.
        string mantissa = text.Trim().Split('e', 'E')[0];
        if (number == 0 && mantissa.Any(c => c is >= '1' and <= '9'))
        {
            throw Failure($"Option '{Key}' of {Info.Name}: '{text}' is too small for a double and would become 0 (the smallest is about 4.9e-324).", text);
        }

        return number;
    }
}
