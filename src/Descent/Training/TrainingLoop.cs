using System.Diagnostics;
using System.Numerics;
using Descent.Data;
using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Pipeline;

namespace Descent.Training;

/// <summary>
/// The training loop: for each step, the next batch, forward and backward, the gradient reducer, then the
/// update pipeline (skip non-finite → accumulate → clip → update → schedule → weight average), then the
/// recorded loss and the observers. Every lab command and distributed trainer runs this one loop.
/// </summary>
/// <remarks>
/// A run ends in one of three ways, all results rather than exceptions, so that a comparison of several
/// optimizers keeps the others' curves: <see cref="TrainingStatus.Completed"/>;
/// <see cref="TrainingStatus.Interrupted"/> when the cancellation token fires (checked between steps, so the
/// weights, optimizer and generator are at a step boundary, ready for a checkpoint); and
/// <see cref="TrainingStatus.Diverged"/> when a step's recorded loss is NaN or ∞ (unless the pipeline skipped
/// that step by its declared policy) or the pipeline gives up on non-finite gradients. After the first step,
/// a step allocates nothing beyond what the network, pipeline and observers do.
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class TrainingLoop<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Network<T> _network;
    private readonly UpdatePipeline<T>? _pipeline;
    private readonly IClosureOptimizer<T>? _closureOptimizer;
    private readonly Func<double>? _closure;
    private readonly IBatchSource<T> _batches;
    private readonly TrainingLoopOptions<T> _options;
    private readonly ITrainingObserver[] _observers;
    private readonly List<double> _losses = [];
    private MiniBatch<T>? _batch;

    /// <summary>Creates the loop.</summary>
    /// <param name="network">The network to train.</param>
    /// <param name="pipeline">The update pipeline over exactly the network's parameters.</param>
    /// <param name="batches">The batch for each step.</param>
    /// <param name="options">Loss recording, evaluation period, reducer and observers; default: forward loss, no observers.</param>
    /// <exception cref="ArgumentException">The pipeline trains other parameters than the network's, or an option is out of range.</exception>
    public TrainingLoop(Network<T> network, UpdatePipeline<T> pipeline, IBatchSource<T> batches, TrainingLoopOptions<T>? options = null)
        : this(network, batches, options)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        if (pipeline.Parameters.Count != network.Parameters.Count || pipeline.Parameters.Where((p, i) => !ReferenceEquals(p, network.Parameters[i])).Any())
        {
            throw new ArgumentException("The pipeline must train exactly the network's parameters, in the network's order.", nameof(pipeline));
        }

        _pipeline = pipeline;
    }

    /// <summary>
    /// Creates the loop for a closure-driven optimizer such as <see cref="Lbfgs{T}"/>: each step hands it a closure
    /// that recomputes the loss and gradients of the step's batch (through the reducer) as often as it needs. There is
    /// no pipeline: the method owns its update. Give it a batch source that repeats one batch (full-batch or a fixed
    /// batch) for the method's curvature model to make sense.
    /// </summary>
    /// <param name="network">The network to train.</param>
    /// <param name="optimizer">The optimizer over the network's parameters.</param>
    /// <param name="batches">The batch for each step.</param>
    /// <param name="options">Loss recording, evaluation period, reducer and observers.</param>
    public TrainingLoop(Network<T> network, IClosureOptimizer<T> optimizer, IBatchSource<T> batches, TrainingLoopOptions<T>? options = null)
        : this(network, batches, options)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        _closureOptimizer = optimizer;
        _closure = Evaluate;
    }

    private TrainingLoop(Network<T> network, IBatchSource<T> batches, TrainingLoopOptions<T>? options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(batches);
        _options = options ?? new TrainingLoopOptions<T>();
        _options.Validate();
        _network = network;
        _batches = batches;
        _observers = [.. _options.Observers];
    }

    /// <summary>The network.</summary>
    public Network<T> Network => _network;

    /// <summary>The update pipeline (null for a closure-driven optimizer).</summary>
    public UpdatePipeline<T>? Pipeline => _pipeline;

    /// <summary>Steps done, counting any before a <see cref="Resume"/>.</summary>
    public long Step { get; private set; }

    /// <summary>The recorded loss of every step so far.</summary>
    public IReadOnlyList<double> Losses => _losses;

    /// <summary>
    /// Continues a run restored from a checkpoint: the network, pipeline and batch source must already hold
    /// their state at <paramref name="step"/>; this sets the step count and the curve so far.
    /// </summary>
    /// <param name="step">Steps already done.</param>
    /// <param name="losses">Their recorded losses, exactly <paramref name="step"/> of them.</param>
    /// <exception cref="ArgumentException">The count of losses is not the step.</exception>
    public void Resume(long step, IEnumerable<double> losses)
    {
        ArgumentNullException.ThrowIfNull(losses);
        double[] curve = [.. losses];
        if (step < 0 || curve.Length != step)
        {
            throw new ArgumentException($"Resuming at step {step} needs {step} recorded losses; got {curve.Length}.", nameof(losses));
        }

        _losses.Clear();
        _losses.AddRange(curve);
        Step = step;
    }

    /// <summary>Trains until <paramref name="steps"/> steps are done in all, the token is cancelled, or the run diverges.</summary>
    /// <param name="steps">The total step count to reach (counting steps before a resume).</param>
    /// <param name="cancellationToken">Stops the run at the next step boundary.</param>
    /// <returns>How the run ended, with the curve so far.</returns>
    public TrainingResult Run(long steps, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        _losses.EnsureCapacity((int)Math.Min(steps, Array.MaxLength));
        var clock = Stopwatch.StartNew();
        foreach (var observer in _observers)
        {
            observer.OnStart(Step);
        }

        var status = TrainingStatus.Completed;
        double? divergedLoss = null;
        while (Step < steps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                status = TrainingStatus.Interrupted;
                break;
            }

            if (!TakeStep(out double loss))
            {
                status = TrainingStatus.Diverged;
                divergedLoss = loss;
                break;
            }
        }

        var result = new TrainingResult(
            status, Step, [.. _losses], clock.Elapsed.TotalSeconds, status == TrainingStatus.Diverged ? Step : null, divergedLoss);
        foreach (var observer in _observers)
        {
            observer.OnEnd(result);
        }

        return result;
    }

    /// <summary>One step; false (with the offending loss) when the run diverged at it.</summary>
    private bool TakeStep(out double loss)
    {
        var batch = _batch = _batches.Next();
        double forward;
        var outcome = StepOutcome.Applied;
        if (_closureOptimizer is not null)
        {
            NotifyBeforeUpdate();
            forward = _closureOptimizer.Step(_closure!);
        }
        else
        {
            forward = Evaluate();
            NotifyBeforeUpdate();
            try
            {
                outcome = _pipeline!.Step();
            }
            catch (NonFiniteGradientException)
            {
                loss = forward;
                return false;
            }
        }

        loss = _options.Recording == LossRecording.BeforeUpdate
            ? forward
            : _options.MeasureLoss is { } measure
                ? measure(_network, batch)
                : double.CreateTruncating(_network.Loss(batch.Features, batch.Count, batch.Labels.Span));
        if (!double.IsFinite(loss) && outcome != StepOutcome.Skipped)
        {
            return false;
        }

        _losses.Add(loss);
        long index = Step++;
        var report = new StepReport(Step, loss, outcome);
        foreach (var observer in _observers)
        {
            observer.OnStep(report);
        }

        if (_options.EvaluateEvery is double period && index % period == 0)
        {
            foreach (var observer in _observers)
            {
                observer.OnEvaluation(index);
            }
        }

        return true;
    }

    private void NotifyBeforeUpdate()
    {
        foreach (var observer in _observers)
        {
            observer.BeforeUpdate(Step);
        }
    }

    /// <summary>Forward and backward on the step's batch, then the reducer: the closure a closure-driven optimizer calls.</summary>
    private double Evaluate()
    {
        var batch = _batch!;
        T loss = _network.ComputeGradients(batch.Features, batch.Count, batch.Labels.Span);
        _options.Reducer.Reduce(_network.Storage);
        return double.CreateTruncating(loss);
    }
}
