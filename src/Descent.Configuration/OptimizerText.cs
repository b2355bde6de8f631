using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Text;
using Descent.Optimizers;

namespace Descent.Configuration;

/// <summary>
/// Optimizers from text, for configurations, the command line and reference files: the specification syntax
/// <c>name:key=value,...</c> or, as PyTorch and Optax write calls, <c>Name(key=value, ...)</c> — the syntax schedules
/// use too (<see cref="ScheduleExpression"/>) — and options set by PyTorch's or .NET's names. These are extension
/// members, so <c>OptimizerCatalog.Create&lt;T&gt;("adam:lr=0.3", parameters)</c> and <c>info.Options(pairs)</c> read as
/// before; the math library itself holds no parser.
/// </summary>
public static class OptimizerText
{
    extension(OptimizerInfo info)
    {
        /// <summary>Option names in PyTorch's spelling (<c>lr</c>, <c>betas</c>, <c>weight_decay</c>); .NET names work too.</summary>
        public IReadOnlyList<string> OptionNames => [.. OptionBinder.Options(info.Defaults.GetType()).Select(o => o.PyTorchName)];

        /// <summary>
        /// <see cref="OptimizerInfo.Defaults"/> with options set by name: PyTorch's (<c>lr=0.1</c>, <c>betas=[0.9,0.99]</c>,
        /// <c>weight_decay=0.01</c>, <c>amsgrad=true</c>) or .NET's (<c>LearningRate</c>, <c>Beta1</c>).
        /// </summary>
        /// <param name="options">Name/value pairs; values as text (numbers, true/false, [a, b] pairs).</param>
        /// <returns>The validated options.</returns>
        /// <exception cref="ArgumentException">An unknown option (the message lists the valid ones) or a bad value.</exception>
        public OptimizerOptions Options(IEnumerable<KeyValuePair<string, string>>? options) => info.With(info.Defaults, options);

        /// <summary>A copy of <paramref name="options"/> (e.g. the defaults of a group) with some options set by name.</summary>
        /// <param name="options">The starting options, of this optimizer's options type.</param>
        /// <param name="overrides">Name/value pairs, as for <see cref="Options"/>.</param>
        /// <returns>The validated copy.</returns>
        public OptimizerOptions With(OptimizerOptions options, IEnumerable<KeyValuePair<string, string>>? overrides)
        {
            ArgumentNullException.ThrowIfNull(options);
            var copy = options.Copy();
            foreach (var (key, value) in overrides ?? [])
            {
                OptionBinder.Set(info, copy, key, value);
            }

            copy.Validate();
            return copy;
        }
    }
}

/// <summary>
/// Builds optimizers from a specification, as static members of <see cref="OptimizerCatalog"/>:
/// <c>OptimizerCatalog.Create&lt;T&gt;("adam:lr=0.3", parameters)</c>, <c>OptimizerCatalog.Parse(text)</c>.
/// </summary>
public static class OptimizerSpecifications
{
    extension(OptimizerCatalog)
    {
        /// <summary>
        /// Builds an optimizer from a specification such as <c>adam</c>, <c>adam:lr=0.3</c> or
        /// <c>SGD:lr=0.1,momentum=0.9,nesterov=true</c>, <c>adam:betas=[0.9,0.99]</c>.
        /// </summary>
        /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
        /// <param name="specification">Name, then optionally ':' and comma-separated <c>option=value</c> pairs.</param>
        /// <param name="parameters">The parameters.</param>
        /// <returns>The optimizer.</returns>
        /// <exception cref="ArgumentException">An unknown name or option, or a bad value; the message says which and lists the valid ones.</exception>
        public static IOptimizer<T> Create<T>(string specification, IEnumerable<Parameter<T>> parameters)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var (name, options) = Parse(specification);
            var info = OptimizerCatalog.Find(name);
            return info.Create(parameters, info.Options(options));
        }

        /// <summary>Builds an optimizer by name with options given as name/value pairs.</summary>
        /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
        /// <param name="name">The optimizer's name.</param>
        /// <param name="parameters">The parameters.</param>
        /// <param name="options">Name/value pairs in PyTorch's or .NET's names.</param>
        /// <returns>The optimizer.</returns>
        public static IOptimizer<T> Create<T>(string name, IEnumerable<Parameter<T>> parameters, IEnumerable<KeyValuePair<string, string>>? options)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var info = OptimizerCatalog.Find(name);
            return info.Create(parameters, info.Options(options));
        }

        /// <summary>
        /// Splits <c>name:key=value,key=[a,b]</c> into the name and its pairs (commas inside brackets stay). A call as
        /// Optax's goldens write it, <c>optax.lion(learning_rate=0.01,b1=0.9)</c>, is read the same way: Optax's
        /// <c>learning_rate</c>, <c>b1</c> and <c>b2</c> name <c>lr</c> and the two betas.
        /// </summary>
        /// <param name="specification">The specification.</param>
        /// <returns>The name and the pairs, in order.</returns>
        /// <exception cref="ArgumentException">A pair without '=' or an unclosed call.</exception>
        public static (string Name, IReadOnlyList<KeyValuePair<string, string>> Options) Parse(string specification)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(specification);
            int colon = specification.IndexOf(':', StringComparison.Ordinal);
            int paren = specification.IndexOf('(', StringComparison.Ordinal);
            bool call = paren > 0 && (colon < 0 || paren < colon);
            if (call && !specification.TrimEnd().EndsWith(')'))
            {
                throw new ArgumentException($"'{specification}' opens an argument list that it does not close; write name(key=value, ...).", nameof(specification));
            }

            int split = call ? paren : colon;
            string name = (split < 0 ? specification : specification[..split]).Trim();
            string arguments = call ? specification.TrimEnd()[(paren + 1)..^1] : colon >= 0 ? specification[(colon + 1)..] : string.Empty;
            var pairs = new List<KeyValuePair<string, string>>();
            if (split >= 0)
            {
                foreach (string part in SplitTopLevel(arguments))
                {
                    int eq = part.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        throw new ArgumentException($"Option '{part}' in '{specification}' is not of the form name=value.", nameof(specification));
                    }

                    pairs.Add(new(part[..eq].Trim(), part[(eq + 1)..].Trim()));
                }
            }

            return (name, pairs);
        }
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        int depth = 0;
        var current = new StringBuilder();
        foreach (char c in text)
        {
            depth += c is '[' or '(' ? 1 : c is ']' or ')' ? -1 : 0;
            if (c == ',' && depth == 0)
            {
                yield return current.ToString();
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.ToString().Trim().Length > 0)
        {
            yield return current.ToString();
        }
    }
}

/// <summary>Sets options records' properties by PyTorch or .NET name from text.</summary>
internal static class OptionBinder
{
    /// <summary>PyTorch names that are not the snake_case of the .NET name.</summary>
    private static readonly Dictionary<string, string> PyTorchNames = new(StringComparer.Ordinal)
    {
        ["LearningRate"] = "lr",
        ["Epsilon"] = "eps",
        ["LearningRateDecay"] = "lr_decay",
        ["Lambda"] = "lambd",
        ["AmsGrad"] = "amsgrad",
        ["Beta2Decay"] = "beta2_decay",
        ["ClippingThreshold"] = "d",
        ["MaxIterations"] = "max_iter",
        ["MaxEvaluations"] = "max_eval",
        ["LineSearch"] = "line_search_fn",
        ["EpsilonRoot"] = "eps_root",
    };

    /// <summary>Optax's argument names for options whose catalog name is PyTorch's (<c>learning_rate</c> for <c>lr</c>, <c>b1</c> for <c>betas[0]</c>).</summary>
    private static readonly Dictionary<string, string> OptaxNames = new(StringComparer.Ordinal)
    {
        ["learning_rate"] = "LearningRate",
        ["b1"] = "Beta1",
        ["b2"] = "Beta2",
    };

    /// <summary>.NET property pairs that PyTorch takes as one tuple option.</summary>
    private static readonly (string First, string Second, string PyTorchName)[] Tuples =
    [
        ("Beta1", "Beta2", "betas"),
        ("Epsilon1", "Epsilon2", "eps"),
    ];

    internal sealed record OptionInfo(string PyTorchName, PropertyInfo[] Properties);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, IReadOnlyList<OptionInfo>> Cache = new();

    public static IReadOnlyList<OptionInfo> Options(Type type) => Cache.GetOrAdd(type, Discover);

    // Options are listed base record first, each in declaration order (reflection alone lists the
    // most derived type's properties first), so shared options such as lr and betas lead every list.
    private static int Depth(Type type)
    {
        int depth = 0;
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            depth++;
        }

        return depth;
    }

    private static IReadOnlyList<OptionInfo> Discover(Type type)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.SetMethod!.IsPublic && p.Name != "EqualityContract")
            .OrderBy(p => Depth(p.DeclaringType!))
            .ThenBy(p => p.MetadataToken)
            .ToList();
        var result = new List<OptionInfo>();
        var paired = new Dictionary<PropertyInfo, (PropertyInfo Second, string Name)>();
        var seconds = new HashSet<PropertyInfo>();
        foreach (var (first, second, name) in Tuples)
        {
            var a = properties.Find(p => p.Name == first);
            var b = properties.Find(p => p.Name == second);
            if (a is not null && b is not null)
            {
                paired[a] = (b, name);
                seconds.Add(b);
            }
        }

        foreach (var p in properties)
        {
            if (seconds.Contains(p))
            {
                continue;
            }

            if (paired.TryGetValue(p, out var pair))
            {
                result.Add(new OptionInfo(pair.Name, [p, pair.Second]));
                continue;
            }

            result.Add(new OptionInfo(PyTorchNames.TryGetValue(p.Name, out string? py) ? py : Snake(p.Name), [p]));
        }

        // lr first, as PyTorch's signatures list it.
        return [.. result.OrderBy(o => o.PyTorchName == "lr" ? 0 : 1)];
    }

    public static void Set(OptimizerInfo info, OptimizerOptions target, string key, string value)
    {
        var options = Options(target.GetType());
        var option = options.FirstOrDefault(o => string.Equals(o.PyTorchName, key, StringComparison.Ordinal))
            ?? options.FirstOrDefault(o => o.Properties.Length == 1 && string.Equals(o.Properties[0].Name, key, StringComparison.OrdinalIgnoreCase));
        var properties = option?.Properties;
        if (properties is null)
        {
            // beta1 / Beta2 individually, though PyTorch only takes the pair; Optax's b1, b2 and learning_rate.
            var single = target.GetType().GetProperty(OptaxNames.GetValueOrDefault(key, key), BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (single is not null && options.Any(o => o.Properties.Contains(single)))
            {
                properties = [single];
            }
        }

        if (properties is null)
        {
            string names = string.Join(", ", options.Select(o => o.PyTorchName));
            string dotnet = string.Join(", ", options.SelectMany(o => o.Properties).Select(p => p.Name));
            throw new ArgumentException($"{info.Name} has no option '{key}'. Valid: {names} (or the .NET names {dotnet}).", nameof(key));
        }

        string label = option?.PyTorchName ?? properties[0].Name;
        if (properties.Length == 2 || properties[0].PropertyType == typeof((double, double)))
        {
            double[] pair = Numbers(info, label, value);
            if (pair.Length != 2)
            {
                throw new ArgumentException($"Option '{label}' of {info.Name} takes two numbers, like [0.9, 0.999]; got '{value}'.", nameof(value));
            }

            if (properties.Length == 2)
            {
                properties[0].SetValue(target, NullableNumber(properties[0], pair[0], info, label, value));
                properties[1].SetValue(target, NullableNumber(properties[1], pair[1], info, label, value));
            }
            else
            {
                properties[0].SetValue(target, (pair[0], pair[1]));
            }

            return;
        }

        var type = properties[0].PropertyType;
        // Each branch is boxed itself: a conditional over int and double would otherwise convert every branch to double.
        object? parsed = type == typeof(bool) ? Boolean(info, label, value)
            : IsNone(value) && Nullable.GetUnderlyingType(type) is not null ? null
            : type.IsEnum ? EnumValue(info, label, type, value)
            : type == typeof(double) || type == typeof(double?) ? (object)Number(info, label, value)
            : type == typeof(int) || type == typeof(int?) ? (object)(int)Integer(info, label, value, int.MinValue, int.MaxValue)
            : type == typeof(long) ? (object)Integer(info, label, value, long.MinValue, long.MaxValue)
            : throw new ArgumentException($"Option '{label}' of {info.Name} cannot be set from text.", nameof(key));
        properties[0].SetValue(target, parsed);
    }

    // PyTorch's None (JSON null) for an optional setting, e.g. Adafactor's eps=(None, 1e-3).
    private static bool IsNone(string value) => value.Trim() is "None" or "none" or "null" or "";

    private static double? NullableNumber(PropertyInfo property, double number, OptimizerInfo info, string key, string value)
    {
        if (!double.IsNaN(number))
        {
            return number;
        }

        return Nullable.GetUnderlyingType(property.PropertyType) is not null
            ? null
            : throw new ArgumentException($"Option '{key}' of {info.Name} needs a number for {property.Name}; got '{value}'.", nameof(value));
    }

    // Enum options by PyTorch's string ("strong_wolfe") or the .NET name ("StrongWolfe"); PyTorch's None is the member None.
    private static object EnumValue(OptimizerInfo info, string key, Type type, string value)
    {
        string name = value.Trim().Trim('"', '\'').Replace("_", string.Empty, StringComparison.Ordinal);
        return Enum.TryParse(type, IsNone(value) ? "None" : name, ignoreCase: true, out object? parsed) && Enum.IsDefined(type, parsed!)
            ? parsed!
            : throw new ArgumentException($"Option '{key}' of {info.Name} takes one of {string.Join(", ", Enum.GetNames(type))}; got '{value}'.", nameof(value));
    }

    private static long Integer(OptimizerInfo info, string key, string value, long min, long max)
    {
        double number = Number(info, key, value);
        return number == Math.Floor(number) && number >= min && number <= max
            ? (long)number
            : throw new ArgumentException($"Option '{key}' of {info.Name} takes an integer; got '{value}'.", nameof(value));
    }

    private static double Number(OptimizerInfo info, string key, string value) =>
        double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
            ? number
            : throw new ArgumentException($"Option '{key}' of {info.Name} takes a number; got '{value}'.", nameof(value));

    private static double[] Numbers(OptimizerInfo info, string key, string value)
    {
        string trimmed = value.Trim().TrimStart('[', '(').TrimEnd(']', ')');
        return [.. trimmed.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => IsNone(v) ? double.NaN : Number(info, key, v))];
    }

    private static bool Boolean(OptimizerInfo info, string key, string value) => value.Trim().ToUpperInvariant() switch
    {
        "TRUE" or "1" => true,
        "FALSE" or "0" => false,
        _ => throw new ArgumentException($"Option '{key}' of {info.Name} takes true or false; got '{value}'.", nameof(value)),
    };

    private static string Snake(string pascal)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0 && !char.IsDigit(pascal[i - 1]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(pascal[i]));
        }

        return builder.ToString();
    }
}
