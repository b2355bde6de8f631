using System.Numerics;
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
        public IReadOnlyList<string> OptionNames => [.. info.OptionDescriptors.Select(o => o.Name)];

        /// <summary>Each option's name, kind, help and how to read it (<see cref="OptionDescriptor.Format"/>), in PyTorch's order.</summary>
        public IReadOnlyList<OptionDescriptor> OptionDescriptors => OptionTable.For(info.Defaults.GetType());

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
            var copy = options;
            foreach (var (key, value) in overrides ?? [])
            {
                copy = OptionTable.Set(info, copy, key, value);
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
                foreach (string part in SplitTopLevel(arguments, specification))
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

    private static List<string> SplitTopLevel(string text, string specification)
    {
        int depth = 0;
        var current = new StringBuilder();
        var parts = new List<string>();
        foreach (char c in text)
        {
            depth += c is '[' or '(' ? 1 : c is ']' or ')' ? -1 : 0;
            if (depth < 0)
            {
                throw new ArgumentException($"'{specification}' closes a bracket it did not open; write lists as key=[a,b].", nameof(specification));
            }

            if (c == ',' && depth == 0)
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        if (depth > 0)
        {
            throw new ArgumentException($"'{specification}' opens a bracket it does not close; write lists as key=[a,b].", nameof(specification));
        }

        if (current.ToString().Trim().Length > 0)
        {
            parts.Add(current.ToString());
        }

        return parts;
    }
}
