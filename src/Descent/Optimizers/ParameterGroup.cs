using System.Numerics;
using System.Runtime.InteropServices;

namespace Descent.Optimizers;

/// <summary>What schedules and the lab see of a parameter group, whatever its element type.</summary>
public interface IParameterGroup
{
    /// <summary>The group's hyperparameters; setting validates them.</summary>
    OptimizerOptions Options { get; set; }

    /// <summary>The group's current learning rate (schedules set it before each step).</summary>
    double LearningRate { get; set; }

    /// <summary>
    /// The momentum coefficient of options that have one (<see cref="IMomentumOptions"/>); cycling schedules set it
    /// before each step.
    /// </summary>
    /// <exception cref="InvalidOperationException">The options have no momentum coefficient.</exception>
    double MomentumCoefficient { get; set; }

    /// <summary>Names of the group's parameters, in order.</summary>
    IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Number of steps this group has taken.</summary>
    long StepCount { get; }
}

/// <summary>
/// Parameters that share hyperparameters (PyTorch's <c>param_groups</c> entry) and their optimizer state.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TOptions">The optimizer's options record.</typeparam>
public sealed class ParameterGroup<T, TOptions> : IParameterGroup
    where T : unmanaged, IFloatingPointIeee754<T>
    where TOptions : OptimizerOptions
{
    private TOptions _options;

    // Whether _options is this group's own copy, whose rate LearningRate may change in place.
    private bool _ownsOptions;

    internal ParameterGroup(Parameter<T>[] parameters, TOptions options)
    {
        options.Validate();
        _options = options;
        Parameters = parameters;
        ParameterNames = Array.ConvertAll(parameters, p => p.Name);
        Offsets = new int[parameters.Length];
        int offset = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            Offsets[i] = offset;
            offset = checked(offset + parameters[i].Length);
        }

        TotalLength = offset;
        Runs = Coalesce(parameters, Offsets);
    }

    /// <summary>The group's hyperparameters. Setting validates and throws on an invalid value.</summary>
    public TOptions Options
    {
        get => _options;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            _options = value;
            _ownsOptions = false;
        }
    }

    OptimizerOptions IParameterGroup.Options
    {
        get => _options;
        set => Options = value as TOptions ?? throw new ArgumentException(
            $"Options of type {value?.GetType().Name ?? "null"} do not fit a group of {typeof(TOptions).Name}.", nameof(value));
    }

    /// <summary>
    /// The group's learning rate. The first change gives the group its own copy of the options; later changes (a
    /// schedule's, every step) set that copy's rate in place, so scheduling allocates nothing. Keep a snapshot of
    /// <see cref="Options"/> with <c>with { }</c> where a scheduled rate must not change under it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is negative or not finite; the group is unchanged.</exception>
    public double LearningRate
    {
        get => _options.LearningRate;
        set
        {
            if (!_ownsOptions)
            {
                Options = (TOptions)_options.WithLearningRate(value);
                _ownsOptions = true;
                return;
            }

            Guard.NonNegative(value, nameof(OptimizerOptions.LearningRate));
            _options.SetOwnedLearningRate(value);
        }
    }

    /// <summary>
    /// The momentum coefficient (momentum, or β₁ for the Adam family), owned and changed in place as
    /// <see cref="LearningRate"/> is, so that a cycling schedule allocates nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">The options have no momentum coefficient.</exception>
    /// <exception cref="ArgumentException">The options reject the value; the group is unchanged.</exception>
    public double MomentumCoefficient
    {
        get => MomentumOptions.MomentumCoefficient;
        set
        {
            var options = MomentumOptions;
            if (!_ownsOptions)
            {
                Options = (TOptions)options.WithMomentumCoefficient(value);
                _ownsOptions = true;
                return;
            }

            // Each record knows its own rules (SGD's Nesterov needs momentum > 0, Adam's β₁ < 1), so validate the
            // whole record and undo the change if it refuses.
            double previous = options.MomentumCoefficient;
            options.SetOwnedMomentumCoefficient(value);
            try
            {
                _options.Validate();
            }
            catch (ArgumentException)
            {
                options.SetOwnedMomentumCoefficient(previous);
                throw;
            }
        }
    }

    /// <summary>The group's parameters, in order.</summary>
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <inheritdoc/>
    public long StepCount { get; internal set; }

    /// <summary>Offset of each parameter within the group's flat state buffers.</summary>
    internal int[] Offsets { get; }

    /// <summary>Total number of elements in the group.</summary>
    internal int TotalLength { get; }

    /// <summary>
    /// Maximal runs of parameters whose values and gradients are adjacent slices of the same arrays,
    /// so an element-wise kernel makes one pass over a network's flat buffer instead of one per tensor.
    /// </summary>
    internal ParameterRun<T>[] Runs { get; }

    /// <summary>Named state buffers, created by the optimizer on first use (or by loading state).</summary>
    internal Dictionary<string, StateBuffer<T>> State { get; } = new(StringComparer.Ordinal);

    /// <summary>Named scalar state shared by the group's parameters (e.g. NAdam's μ product).</summary>
    internal Dictionary<string, double> Scalars { get; } = new(StringComparer.Ordinal);

    private IMomentumOptions MomentumOptions => _options as IMomentumOptions
        ?? throw new InvalidOperationException($"{typeof(TOptions).Name} has no momentum coefficient.");

    private static ParameterRun<T>[] Coalesce(Parameter<T>[] parameters, int[] offsets)
    {
        var runs = new List<ParameterRun<T>>();
        int i = 0;
        while (i < parameters.Length)
        {
            int j = i + 1;
            while (j < parameters.Length && Adjacent(parameters[j - 1], parameters[j]))
            {
                j++;
            }

            runs.Add(j == i + 1
                ? new ParameterRun<T>(parameters[i].Value, parameters[i].Gradient, offsets[i])
                : Merge(parameters, i, j, offsets[i]));
            i = j;
        }

        return [.. runs];
    }

    private static bool Adjacent(Parameter<T> a, Parameter<T> b) =>
        Follows(a.Value, b.Value) && Follows(a.Gradient, b.Gradient);

    private static bool Follows(Memory<T> a, Memory<T> b) =>
        MemoryMarshal.TryGetArray<T>(a, out var sa) && MemoryMarshal.TryGetArray<T>(b, out var sb)
        && ReferenceEquals(sa.Array, sb.Array) && sa.Offset + sa.Count == sb.Offset;

    private static ParameterRun<T> Merge(Parameter<T>[] parameters, int from, int to, int offset)
    {
        MemoryMarshal.TryGetArray<T>(parameters[from].Value, out var value);
        MemoryMarshal.TryGetArray<T>(parameters[from].Gradient, out var gradient);
        int length = 0;
        for (int k = from; k < to; k++)
        {
            length += parameters[k].Length;
        }

        return new ParameterRun<T>(
            value.Array.AsMemory(value.Offset, length),
            gradient.Array.AsMemory(gradient.Offset, length),
            offset);
    }
}

/// <summary>A contiguous stretch of a group's parameters: values, gradients, and where its state starts.</summary>
/// <param name="Value">The values.</param>
/// <param name="Gradient">The gradients.</param>
/// <param name="Offset">Start of this run in the group's flat state buffers.</param>
internal readonly record struct ParameterRun<T>(Memory<T> Value, Memory<T> Gradient, int Offset)
{
    public int Length => Value.Length;

    /// <summary>This run's slice of one of the group's flat state buffers.</summary>
    public Span<T> Of(T[] state) => state.AsSpan(Offset, Length);
}

/// <summary>
/// One named state tensor for a whole group (e.g. Adam's <c>exp_avg</c>), laid out as one flat array
/// with each parameter's slice at <see cref="Offsets"/>; element-wise optimizers use the group's own offsets.
/// </summary>
internal sealed class StateBuffer<T>(T[] data, int[] offsets, int[] lengths)
{
    public T[] Data { get; } = data;

    public int[] Offsets { get; } = offsets;

    public int[] Lengths { get; } = lengths;

    public Span<T> Slice(int parameterIndex) => Data.AsSpan(Offsets[parameterIndex], Lengths[parameterIndex]);
}
