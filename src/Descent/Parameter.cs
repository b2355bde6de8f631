using System.Numerics;

namespace Descent;

/// <summary>
/// A named, trainable tensor: its values and the gradient buffer that backpropagation fills.
/// </summary>
/// <remarks>
/// Both buffers are <see cref="Memory{T}"/> views, so a network can hand out slices of one flat
/// parameter array (and one flat gradient array) without copying; optimizers detect such adjacent
/// slices and update them in a single pass.
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Parameter<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _shape;

    /// <summary>Creates a parameter over existing value and gradient storage.</summary>
    /// <param name="name">Unique name (optimizer state is keyed by it), e.g. <c>"W1"</c> or <c>"0.weight"</c>.</param>
    /// <param name="value">The parameter's values, row-major.</param>
    /// <param name="gradient">The gradient buffer, same length as <paramref name="value"/>.</param>
    /// <param name="shape">The logical shape; its product must equal the length. Empty means a vector of the value's length.</param>
    /// <exception cref="ArgumentException">The name is empty, the lengths differ, or the shape does not match.</exception>
    public Parameter(string name, Memory<T> value, Memory<T> gradient, params int[] shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (gradient.Length != value.Length)
        {
            throw new ArgumentException(
                $"Parameter '{name}': gradient length {gradient.Length} differs from value length {value.Length}.",
                nameof(gradient));
        }

        _shape = shape.Length == 0 ? [value.Length] : (int[])shape.Clone();
        long product = 1;
        foreach (int d in _shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Parameter '{name}': shape [{string.Join(", ", _shape)}] has a negative dimension.", nameof(shape));
            }

            product *= d;
        }

        if (product != value.Length)
        {
            throw new ArgumentException(
                $"Parameter '{name}': shape [{string.Join(", ", _shape)}] holds {product} elements but the value has {value.Length}.",
                nameof(shape));
        }

        Name = name;
        Value = value;
        Gradient = gradient;
    }

    /// <summary>Creates a parameter owning <paramref name="value"/> with a fresh zeroed gradient buffer.</summary>
    /// <param name="name">Unique name.</param>
    /// <param name="value">Initial values (not copied).</param>
    /// <param name="shape">The logical shape; empty means a vector.</param>
    public Parameter(string name, T[] value, params int[] shape)
        : this(name, value, new T[(value ?? throw new ArgumentNullException(nameof(value))).Length], shape)
    {
    }

    /// <summary>The parameter's name, the key of its optimizer state.</summary>
    public string Name { get; }

    /// <summary>The logical shape, row-major.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Number of elements.</summary>
    public int Length => Value.Length;

    /// <summary>The values the optimizer updates.</summary>
    public Memory<T> Value { get; }

    /// <summary>The gradient of the loss with respect to <see cref="Value"/>.</summary>
    public Memory<T> Gradient { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} [{string.Join("x", _shape)}]";
}
