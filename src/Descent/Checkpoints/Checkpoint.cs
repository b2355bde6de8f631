using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Pipeline;
using Descent.Randomness;
using Descent.Schedules;

namespace Descent.Checkpoints;

/// <summary>What a checkpoint records besides tensors and typed training state: the step and the run's settings.</summary>
public sealed record CheckpointInfo
{
    /// <summary>Training steps taken.</summary>
    public long Step { get; init; }

    /// <summary>The run's settings (command line, seed, data…), as the caller chooses to record them.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The recorded loss of every step so far (tensor <c>run.losses</c>; empty: not recorded). Kept in the
    /// checkpoint so that the file alone resumes a run: nothing beside it has to change at the same instant.
    /// </summary>
    public IReadOnlyList<double> Losses { get; init; } = [];

    /// <summary>Seconds spent training so far.</summary>
    public double Seconds { get; init; }
}

/// <summary>
/// Saves and restores a training run in one safetensors file: the network's tensors (<c>model.&lt;name&gt;</c>),
/// the optimizer's state tensors (<c>optimizer.&lt;parameter&gt;.&lt;key&gt;</c>) with its options and scalars as
/// JSON metadata, the random generator's state (<c>random.state</c>), the step and the run's settings; saved
/// with an <see cref="UpdatePipeline{T}"/>, also the pipeline's schedule, counters and accumulation window
/// (metadata <c>pipeline</c>) and weight average (<c>pipeline.average.&lt;name&gt;</c>,
/// <c>pipeline.accumulated.&lt;name&gt;</c>). Python's <c>safetensors</c> opens the file. Restoring checks everything before it changes
/// anything: on error the objects are as they were.
/// </summary>
/// <remarks>
/// The metadata holds a SHA-256 of the whole file (computed with its own 64 hex digits set to '0'), so a
/// byte changed anywhere — header, padding or tensor data — is refused, while the file stays plain
/// safetensors for other readers.
/// </remarks>
public static class Checkpoint
{
    /// <summary>The <c>format</c> metadata value this version writes.</summary>
    public const string Format = "descent.checkpoint/2";

    /// <summary>The format written before the digest was added; still read (without the integrity check).</summary>
    public const string LegacyFormat = "descent.checkpoint/1";

    /// <summary>The tensor holding the recorded loss of every step.</summary>
    public const string LossesTensor = "run.losses";

    /// <summary>The metadata key of the file's SHA-256.</summary>
    public const string DigestKey = "sha256";

    private static readonly byte[] DigestMarker = System.Text.Encoding.ASCII.GetBytes($"\"{DigestKey}\":\"");

    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes a checkpoint.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The file; written atomically (temporary file in the same folder, flush to disk, rename).</param>
    /// <param name="network">The network.</param>
    /// <param name="optimizer">The optimizer over the network's parameters, or null.</param>
    /// <param name="random">The generator to record (typically the one drawing batches and dropout masks), or null.</param>
    /// <param name="info">Step, schedule state and settings.</param>
    public static void Save<T>(string path, Network<T> network, IOptimizer<T>? optimizer, IRandomSource? random, CheckpointInfo info)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        SaveCore(path, network, optimizer?.SaveState(), random, info);

    /// <summary>
    /// Restores a checkpoint into freshly built objects of the same kind. Everything is read and checked
    /// first; on error nothing has changed.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The file.</param>
    /// <param name="network">A network of the same architecture.</param>
    /// <param name="optimizer">An optimizer of the same type and groups over its parameters, or null to ignore the saved state.</param>
    /// <param name="random">The generator to restore, or null to ignore the saved one.</param>
    /// <returns>The step, schedule state and settings.</returns>
    /// <exception cref="CheckpointException">The file is truncated, corrupt, or does not fit; the message says what.</exception>
    public static CheckpointInfo Load<T>(string path, Network<T> network, IOptimizer<T>? optimizer, IRandomSource? random)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        optimizer is null
            ? LoadCore(path, network, null, null, null, random)
            : LoadCore(path, network, g => optimizer.ParameterGroups[g].Options.GetType(), optimizer.SaveState, optimizer.LoadState, random);

    /// <summary>Writes a checkpoint holding the whole pipeline's state (optimizer, schedule, weight average, accumulation, counters).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The file; written atomically.</param>
    /// <param name="network">The network.</param>
    /// <param name="pipeline">The update pipeline over the network's parameters.</param>
    /// <param name="random">The generator to record, or null.</param>
    /// <param name="info">Step and settings.</param>
    /// <param name="onWriteStage">
    /// Called as the file is written: <c>temporary-partial</c>, <c>temporary-written</c> (before the rename that
    /// replaces the previous checkpoint). For fault-injection tests that stop the process at each point.
    /// </param>
    public static void SaveTraining<T>(string path, Network<T> network, UpdatePipeline<T> pipeline, IRandomSource? random, CheckpointInfo info, Action<string>? onWriteStage = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var state = pipeline.SaveState();
        SaveCore(path, network, state.Optimizer, random, info, state, onWriteStage);
    }

    /// <summary>
    /// Restores a checkpoint written with a pipeline into a freshly built network and a pipeline declared the
    /// same way. Everything is read and checked first; on error nothing has changed.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The file.</param>
    /// <param name="network">A network of the same architecture.</param>
    /// <param name="pipeline">A pipeline with the same stages over its parameters.</param>
    /// <param name="random">The generator to restore, or null to ignore the saved one.</param>
    /// <returns>The step and settings.</returns>
    /// <exception cref="CheckpointException">The file is truncated, corrupt, or does not fit; the message says what.</exception>
    public static CheckpointInfo LoadTraining<T>(string path, Network<T> network, UpdatePipeline<T> pipeline, IRandomSource? random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var before = pipeline.SaveState();
        PipelineState<T>? saved = null;
        return LoadCore(
            path,
            network,
            g => pipeline.Optimizer.ParameterGroups[g].Options.GetType(),
            () => before.Optimizer,
            optimizer => pipeline.LoadState(ReferenceEquals(optimizer, before.Optimizer) ? before : saved! with { Optimizer = optimizer }),
            random,
            (content, fail) => saved = ParsePipeline<T>(content, fail));
    }

    private static void SaveCore<T>(string path, Network<T> network, OptimizerState<T>? optimizer, IRandomSource? random, CheckpointInfo info, PipelineState<T>? pipeline = null, Action<string>? onWriteStage = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(info);
        var type = TypeOf<T>();
        var tensors = new List<SafeTensor>();
        foreach (var p in network.Parameters)
        {
            tensors.Add(new SafeTensor("model." + p.Name, type, [.. p.Shape.Select(d => (long)d)], Bytes<T>(p.Value.Span)));
        }

        foreach (var b in network.Buffers)
        {
            tensors.Add(new SafeTensor("model." + b.Name, type, [b.Values.Length], Bytes<T>(b.Values)));
        }

        foreach (var c in network.Counters)
        {
            tensors.Add(new SafeTensor("model." + c.Name, SafeTensorType.I64, [c.Values.Length], Bytes<long>(c.Values)));
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = Format,
            [DigestKey] = new string('0', 64),
            ["dtype"] = type.ToString(),
            ["step"] = info.Step.ToString(CultureInfo.InvariantCulture),
            ["settings"] = JsonSerializer.Serialize(info.Settings),
            ["seconds"] = info.Seconds.ToString("R", CultureInfo.InvariantCulture),
        };

        if (info.Losses.Count > 0)
        {
            if (info.Losses.Count != info.Step)
            {
                throw new ArgumentException($"The checkpoint is at step {info.Step} but {info.Losses.Count} losses were given; record one per step or none.", nameof(info));
            }

            tensors.Add(new SafeTensor(LossesTensor, SafeTensorType.F64, [info.Losses.Count], Bytes<double>([.. info.Losses])));
        }

        if (optimizer is not null)
        {
            var groups = new JsonArray();
            foreach (var g in optimizer.Groups)
            {
                groups.Add(new JsonObject
                {
                    ["options_type"] = g.Options.GetType().FullName,
                    ["options"] = JsonSerializer.SerializeToNode(g.Options, g.Options.GetType(), Json),
                    ["parameters"] = new JsonArray([.. g.ParameterNames.Select(n => JsonValue.Create(n))]),
                });
            }

            var parameters = new JsonObject();
            foreach (var (name, snapshot) in optimizer.Parameters)
            {
                parameters[name] = new JsonObject
                {
                    ["step"] = snapshot.Step,
                    ["buffers"] = new JsonArray([.. snapshot.Buffers.Keys.Select(k => JsonValue.Create(k))]),
                    ["scalars"] = JsonSerializer.SerializeToNode(snapshot.Scalars, Json),
                };
                foreach (var (key, values) in snapshot.Buffers)
                {
                    tensors.Add(new SafeTensor($"optimizer.{name}.{key}", type, [values.Length], Bytes<T>(values)));
                }
            }

            metadata["optimizer"] = new JsonObject { ["type"] = optimizer.Optimizer, ["groups"] = groups, ["parameters"] = parameters }.ToJsonString(Json);
        }

        if (random is not null)
        {
            byte[] bytes = random.SaveState();
            tensors.Add(new SafeTensor("random.state", SafeTensorType.U8, [bytes.Length], bytes));
            metadata["random"] = random.GetType().Name;
        }

        if (pipeline is not null)
        {
            metadata["pipeline"] = JsonSerializer.Serialize(
                new PipelineRecord(pipeline.Scheduler, pipeline.Average?.UpdateCount, pipeline.PendingMicroBatches, pipeline.AppliedSteps, pipeline.SkippedSteps, pipeline.ConsecutiveSkips),
                Json);
            AddTensors(tensors, "pipeline.average.", pipeline.Average?.Values, type);
            AddTensors(tensors, "pipeline.accumulated.", pipeline.Accumulated, type);
        }

        byte[] file = SafeTensors.Serialize(new SafeTensorsContent(tensors, metadata));
        Seal(file);
        SafeTensors.WriteAtomically(path, file, onWriteStage);
    }

    /// <summary>Writes the file's SHA-256 into its digest field (which must hold 64 hex digits; they count as '0').</summary>
    /// <param name="file">A whole checkpoint file.</param>
    internal static void Seal(byte[] file)
    {
        int at = DigestPosition(file) ?? throw new InvalidOperationException("The checkpoint has no digest field to seal.");
        file.AsSpan(at, 64).Fill((byte)'0');
        System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA256.HashData(file))).CopyTo(file, at);
    }

    /// <summary>
    /// Reads and verifies a checkpoint's step and settings without restoring anything (what
    /// <c>--resume</c> needs to rebuild the run before loading it).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The step and settings.</returns>
    /// <exception cref="CheckpointException">The file is truncated, corrupt or changed; the message says what.</exception>
    public static CheckpointInfo ReadInfo(string path)
    {
        var content = ReadVerified(path);
        return Info(content, message => throw new CheckpointException($"{path}: {message}"));
    }

    /// <summary>Parses the file and checks its format and digest.</summary>
    private static SafeTensorsContent ReadVerified(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        SafeTensorsContent content;
        try
        {
            content = SafeTensors.Parse(bytes);
        }
        catch (CheckpointException e)
        {
            throw new CheckpointException($"{path}: {e.Message}", e);
        }

        string? format = content.Metadata.GetValueOrDefault("format");
        if (format is not (Format or LegacyFormat))
        {
            throw new CheckpointException($"{path}: not a Descent checkpoint (format '{format ?? "missing"}', expected '{Format}').");
        }

        if (format == Format || content.Metadata.ContainsKey(DigestKey))
        {
            string saved = content.Metadata.GetValueOrDefault(DigestKey) ?? string.Empty;
            int? at = DigestPosition(bytes);
            if (at is null || saved.Length != 64)
            {
                throw new CheckpointException($"{path}: metadata '{DigestKey}' is missing or malformed; this format records the file's SHA-256.");
            }

            bytes.AsSpan(at.Value, 64).Fill((byte)'0');
            string actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (!string.Equals(actual, saved, StringComparison.Ordinal))
            {
                throw new CheckpointException($"{path}: the file's SHA-256 is {actual} but it recorded {saved} when written: it was changed or damaged since.");
            }
        }

        return content;
    }

    /// <summary>Where the 64 hex digits of the digest start in the header, or null when the field is absent.</summary>
    private static int? DigestPosition(byte[] file)
    {
        if (file.Length < 8)
        {
            return null;
        }

        ulong n = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(file);
        int headerEnd = (int)Math.Min((ulong)file.Length, 8 + Math.Min(n, (ulong)SafeTensors.MaxHeaderLength));
        var header = file.AsSpan(8, headerEnd - 8);
        int at = header.IndexOf(DigestMarker);
        int start = 8 + at + DigestMarker.Length;
        return at < 0 || header[(at + 1)..].IndexOf(DigestMarker) >= 0 || start + 64 > headerEnd ? null : start;
    }

    private static CheckpointInfo Info(SafeTensorsContent content, Func<string, string> fail)
    {
        var meta = content.Metadata;
        if (!long.TryParse(meta.GetValueOrDefault("step"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long step) || step < 0)
        {
            fail($"metadata 'step' is '{meta.GetValueOrDefault("step")}'; expected a whole number ≥ 0.");
        }

        double seconds = 0;
        if (meta.TryGetValue("seconds", out string? text)
            && (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds) || !(seconds >= 0) || double.IsInfinity(seconds)))
        {
            fail($"metadata 'seconds' is '{text}'; expected a finite number ≥ 0.");
        }

        double[] losses = [];
        if (content.Tensors.FirstOrDefault(t => t.Name == LossesTensor) is { } tensor)
        {
            if (tensor.Type != SafeTensorType.F64 || tensor.Shape.Length != 1 || tensor.Shape[0] != step)
            {
                fail($"tensor '{LossesTensor}' is {tensor.Type} [{string.Join(", ", tensor.Shape)}]; the checkpoint is at step {step}, so it must be F64 [{step}].");
            }

            losses = MemoryMarshal.Cast<byte, double>(tensor.Data).ToArray();
        }

        return new CheckpointInfo
        {
            Step = step,
            Settings = StringMap(meta, "settings", fail),
            Losses = losses,
            Seconds = seconds,
        };
    }

    private static void AddTensors<T>(List<SafeTensor> tensors, string prefix, IReadOnlyDictionary<string, T[]>? values, SafeTensorType type)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var (name, data) in values ?? new Dictionary<string, T[]>())
        {
            tensors.Add(new SafeTensor(prefix + name, type, [data.Length], Bytes<T>(data)));
        }
    }

    /// <summary>The pipeline's state without its optimizer (a placeholder, replaced by the parsed one).</summary>
    private static PipelineState<T> ParsePipeline<T>(SafeTensorsContent content, Func<string, string> fail)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!content.Metadata.TryGetValue("pipeline", out string? json))
        {
            fail("the checkpoint has no pipeline state (it was saved with an optimizer alone), but a pipeline was given to restore.");
        }

        PipelineRecord record;
        try
        {
            record = JsonSerializer.Deserialize<PipelineRecord>(json!, Json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            fail($"metadata 'pipeline' is corrupt ({e.Message}).");
            throw;
        }

        Dictionary<string, T[]>? Tensors(string prefix)
        {
            var found = content.Tensors.Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            if (found.Any(t => t.Type != TypeOf<T>()))
            {
                fail($"a '{prefix}*' tensor is not {TypeOf<T>()}.");
            }

            return found.Count == 0 ? null : found.ToDictionary(t => t.Name[prefix.Length..], t => MemoryMarshal.Cast<byte, T>(t.Data).ToArray(), StringComparer.Ordinal);
        }

        var average = record.AverageUpdates is long updates ? new WeightAverageState<T>(updates, Tensors("pipeline.average.") ?? []) : null;
        var placeholder = new OptimizerState<T>(string.Empty, [], new Dictionary<string, ParameterSnapshot<T>>());
        return new PipelineState<T>(placeholder, record.Scheduler, average, record.Pending, Tensors("pipeline.accumulated."), record.Applied, record.Skipped, record.Consecutive);
    }

    private static CheckpointInfo LoadCore<T>(
        string path,
        Network<T> network,
        Func<int, Type>? optionsType,
        Func<OptimizerState<T>>? saveOptimizer,
        Action<OptimizerState<T>>? loadOptimizer,
        IRandomSource? random,
        Action<SafeTensorsContent, Func<string, string>>? parsePipeline = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        var content = ReadVerified(path);
        string Fail(string message) => throw new CheckpointException($"{path}: {message}");
        parsePipeline?.Invoke(content, Fail);
        var meta = content.Metadata;
        var tensors = content.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var type = TypeOf<T>();
        if (meta.GetValueOrDefault("dtype") != type.ToString())
        {
            Fail($"the checkpoint holds {meta.GetValueOrDefault("dtype") ?? "no dtype"} tensors; the network is {type}.");
        }

        var info = Info(content, Fail);
        CheckNoStrayTensors(tensors.Keys, meta, Fail);

        // Model: exactly the network's tensors, with its shapes and types.
        var state = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var expected = new List<(string Name, long[] Shape, SafeTensorType Type)>();
        expected.AddRange(network.Parameters.Select(p => (p.Name, p.Shape.Select(d => (long)d).ToArray(), type)));
        expected.AddRange(network.Buffers.Select(b => (b.Name, new long[] { b.Values.Length }, type)));
        expected.AddRange(network.Counters.Select(c => (c.Name, new long[] { c.Values.Length }, SafeTensorType.I64)));
        var modelNames = tensors.Keys.Where(k => k.StartsWith("model.", StringComparison.Ordinal)).Select(k => k["model.".Length..]).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Select(e => e.Name).Where(n => !modelNames.Contains(n)).ToList();
        var unknown = modelNames.Where(n => expected.All(e => e.Name != n)).ToList();
        if (missing.Count > 0 || unknown.Count > 0)
        {
            Fail($"the checkpoint's network does not match: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unknown)}].");
        }

        foreach (var (name, shape, elementType) in expected)
        {
            var t = tensors["model." + name];
            if (t.Type != elementType || !t.Shape.SequenceEqual(shape))
            {
                Fail($"tensor 'model.{name}' is {t.Type} [{string.Join(", ", t.Shape)}]; the network's is {elementType} [{string.Join(", ", shape)}].");
            }

            state[name] = elementType == SafeTensorType.I64
                ? Array.ConvertAll(MemoryMarshal.Cast<byte, long>(t.Data).ToArray(), v => (double)v)
                : Array.ConvertAll(MemoryMarshal.Cast<byte, T>(t.Data).ToArray(), double.CreateTruncating);
            int bad = Array.FindIndex(state[name], v => !double.IsFinite(v));
            if (bad >= 0)
            {
                Fail(string.Create(CultureInfo.InvariantCulture, $"tensor 'model.{name}' element {bad} is {state[name][bad]}; a checkpoint's weights and statistics must be finite."));
            }
        }

        // Optimizer: rebuilt in full (options, steps, scalars, buffers) before anything is touched.
        OptimizerState<T>? optimizerState = null;
        if (loadOptimizer is not null)
        {
            if (!meta.TryGetValue("optimizer", out string? optimizerJson))
            {
                Fail("the checkpoint has no optimizer state, but an optimizer was given to restore.");
            }

            optimizerState = ParseOptimizer<T>(optimizerJson!, tensors, optionsType!, Fail);
            long optimizerStep = optimizerState.Parameters.Values.Select(p => p.Step).DefaultIfEmpty(0).Max();
            if (optimizerStep > info.Step)
            {
                Fail($"metadata 'step' is {info.Step} but the optimizer state has taken {optimizerStep} steps.");
            }
        }

        byte[]? randomState = null;
        if (random is not null)
        {
            if (!tensors.TryGetValue("random.state", out var r) || r.Type != SafeTensorType.U8)
            {
                Fail("the checkpoint has no random-generator state, but a generator was given to restore.");
            }

            if (meta.GetValueOrDefault("random") != random.GetType().Name)
            {
                Fail($"the checkpoint's generator is {meta.GetValueOrDefault("random")}; the given one is {random.GetType().Name}.");
            }

            randomState = r!.Data;
        }

        // Apply: optimizer and generator validate before they change; the network was validated above.
        OptimizerState<T>? before = saveOptimizer?.Invoke();
        if (optimizerState is not null)
        {
            try
            {
                loadOptimizer!(optimizerState);
            }
            catch (ArgumentException e)
            {
                throw new CheckpointException($"{path}: the optimizer state does not fit: {e.Message}", e);
            }
        }

        if (randomState is not null)
        {
            try
            {
                random!.LoadState(randomState);
            }
            catch (ArgumentException e)
            {
                if (before is not null)
                {
                    loadOptimizer!(before);
                }

                throw new CheckpointException($"{path}: the random-generator state does not fit: {e.Message}", e);
            }
        }

        network.LoadStateDict(state);
        return info;
    }

    private static OptimizerState<T> ParseOptimizer<T>(string json, Dictionary<string, SafeTensor> tensors, Func<int, Type> optionsType, Func<string, string> fail)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        try
        {
            var root = JsonNode.Parse(json)!.AsObject();
            string optimizer = (string)root["type"]!;
            var groups = new List<GroupSnapshot>();
            var groupArray = root["groups"]!.AsArray();
            for (int g = 0; g < groupArray.Count; g++)
            {
                var group = groupArray[g]!.AsObject();
                string savedType = (string)group["options_type"]!;
                Type target;
                try
                {
                    target = optionsType(g);
                }
                catch (ArgumentOutOfRangeException)
                {
                    fail($"the checkpoint's optimizer has {groupArray.Count} parameter groups; the given one has {g}.");
                    throw;
                }

                if (target.FullName != savedType)
                {
                    fail($"group {g} was saved with {savedType}; the given optimizer's group {g} uses {target.FullName}.");
                }

                var options = (OptimizerOptions)group["options"].Deserialize(target, Json)!;
                groups.Add(new GroupSnapshot(options, [.. group["parameters"]!.AsArray().Select(n => (string)n!)]));
            }

            var parameters = new Dictionary<string, ParameterSnapshot<T>>(StringComparer.Ordinal);
            foreach (var (name, node) in root["parameters"]!.AsObject())
            {
                var buffers = new Dictionary<string, T[]>(StringComparer.Ordinal);
                foreach (var keyNode in node!["buffers"]!.AsArray())
                {
                    string key = (string)keyNode!;
                    string tensorName = $"optimizer.{name}.{key}";
                    if (!tensors.TryGetValue(tensorName, out var t) || t.Type != TypeOf<T>())
                    {
                        fail($"optimizer tensor '{tensorName}' is missing or not {TypeOf<T>()}.");
                    }

                    buffers[key] = MemoryMarshal.Cast<byte, T>(t!.Data).ToArray();
                }

                var scalars = node["scalars"].Deserialize<Dictionary<string, double>>(Json) ?? [];
                parameters[name] = new ParameterSnapshot<T>((long)node["step"]!, buffers, scalars);
            }

            return new OptimizerState<T>(optimizer, groups, parameters);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException or NotSupportedException or OverflowException or ArgumentException)
        {
            fail($"metadata 'optimizer' is corrupt: {e.Message}");
            throw;
        }
    }

    /// <summary>Every tensor must belong somewhere: the network, an optimizer buffer the metadata lists, or the generator.</summary>
    private static void CheckNoStrayTensors(IEnumerable<string> names, IReadOnlyDictionary<string, string> meta, Func<string, string> fail)
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        if (meta.TryGetValue("optimizer", out string? json))
        {
            try
            {
                foreach (var (name, node) in JsonNode.Parse(json)!["parameters"]!.AsObject())
                {
                    foreach (var key in node!["buffers"]!.AsArray())
                    {
                        listed.Add($"optimizer.{name}.{(string)key!}");
                    }
                }
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
            {
                fail($"metadata 'optimizer' is corrupt: {e.Message}");
            }
        }

        foreach (string name in names)
        {
            bool known = name.StartsWith("model.", StringComparison.Ordinal)
                || listed.Contains(name)
                || (meta.ContainsKey("pipeline") && (name.StartsWith("pipeline.average.", StringComparison.Ordinal) || name.StartsWith("pipeline.accumulated.", StringComparison.Ordinal)))
                || name == LossesTensor
                || (name == "random.state" && meta.ContainsKey("random"));
            if (!known)
            {
                fail($"tensor '{name}' belongs to nothing this checkpoint describes (model.*, the optimizer buffers its metadata lists, pipeline.*, random.state).");
            }
        }
    }

    private static Dictionary<string, string> StringMap(IReadOnlyDictionary<string, string> meta, string key, Func<string, string> fail)
    {
        if (!meta.TryGetValue(key, out string? json))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
        }
        catch (JsonException e)
        {
            fail($"metadata '{key}' is not a JSON object of strings ({e.Message}).");
            throw;
        }
    }

    /// <summary>The typed metadata of a pipeline's state beside its optimizer (tensors are stored separately).</summary>
    private sealed record PipelineRecord(SchedulerState? Scheduler, long? AverageUpdates, int Pending, long Applied, long Skipped, int Consecutive);

    private static SafeTensorType TypeOf<T>() =>
        typeof(T) == typeof(double) ? SafeTensorType.F64
        : typeof(T) == typeof(float) ? SafeTensorType.F32
        : throw new NotSupportedException($"Checkpoints hold float or double tensors, not {typeof(T).Name}.");

    private static byte[] Bytes<TElement>(ReadOnlySpan<TElement> values)
        where TElement : unmanaged =>
        MemoryMarshal.AsBytes(values).ToArray();
}
