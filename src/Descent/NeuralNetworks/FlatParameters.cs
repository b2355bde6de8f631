using System.Numerics;

namespace Descent.NeuralNetworks;

/// <summary>
/// Every trainable tensor of a network as adjacent slices of ONE value array and ONE gradient array,
/// so an optimizer sees a single contiguous run and updates all of them in one pass.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class FlatParameters<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] _parameters;
    private readonly Dictionary<string, Parameter<T>> _byName;

    /// <summary>Allocates zeroed storage for the given tensors, laid out in order.</summary>
    /// <param name="layout">Each tensor's unique name and shape.</param>
    /// <exception cref="ArgumentException">A name repeats or a shape has a non-positive dimension.</exception>
    public FlatParameters(IEnumerable<(string Name, int[] Shape)> layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var entries = layout.ToArray();
        long total = 0;
        foreach (var (name, shape) in entries)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name, nameof(layout));
            long count = 1;
            foreach (int d in shape)
            {
                if (d <= 0)
                {
                    throw new ArgumentException($"Tensor '{name}' has shape [{string.Join(", ", shape)}]; every dimension must be ≥ 1.", nameof(layout));
                }

                count *= d;
            }

            total += count;
        }

        if (total > Array.MaxLength)
        {
            throw new ArgumentException($"The tensors hold {total} elements in all; one array holds at most {Array.MaxLength}.", nameof(layout));
        }

        Values = new T[total];
        Gradients = new T[total];
        _parameters = new Parameter<T>[entries.Length];
        _byName = new Dictionary<string, Parameter<T>>(StringComparer.Ordinal);
        int offset = 0;
        for (int i = 0; i < entries.Length; i++)
        {
            var (name, shape) = entries[i];
            int length = 1;
            foreach (int d in shape)
            {
                length *= d;
            }

            var parameter = new Parameter<T>(name, Values.AsMemory(offset, length), Gradients.AsMemory(offset, length), shape);
            if (!_byName.TryAdd(name, parameter))
            {
                throw new ArgumentException($"Tensor name '{name}' appears more than once; names must be unique.", nameof(layout));
            }

            _parameters[i] = parameter;
            offset += length;
        }
    }

    /// <summary>All values, the parameters' slices back to back.</summary>
    public T[] Values { get; }

    /// <summary>All gradients, laid out like <see cref="Values"/>.</summary>
    public T[] Gradients { get; }

    /// <summary>The parameters in layout order.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <summary>The parameter called <paramref name="name"/>.</summary>
    /// <param name="name">Its name.</param>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    public Parameter<T> this[string name] => _byName.TryGetValue(name, out var p)
        ? p
        : throw new KeyNotFoundException($"No parameter named '{name}'; the network has [{string.Join(", ", _byName.Keys)}].");
}
