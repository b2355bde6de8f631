using Samples;

// Runs every README example once: `dotnet run -c Release --project samples/Descent.Samples` from the repository root.
string mnist = args.Length > 0 ? args[0] : Path.Combine("data", "mnist");
Console.WriteLine($"quick start: w = [{string.Join(", ", QuickStart.Run().Select(v => v.ToString("g3")))}]");
var (original, resumed) = GroupsAndState.Run();
Console.WriteLine($"groups and state: resumed step equals the original: {original.AsSpan().SequenceEqual(resumed)}");
Console.WriteLine($"catalog: {ByName.Run().Optimizer.GetType().Name}");
var (lbfgsLoss, point) = LbfgsRosenbrock.Run();
Console.WriteLine($"L-BFGS: loss at the start {lbfgsLoss:g3}, then x = ({point[0]:g6}, {point[1]:g6})");
var (before, after, averaged, stages) = PipelineTraining.Run();
Console.WriteLine($"pipeline: loss {before:g3} → {after:g3} (averaged weights {averaged:g3})");
Console.WriteLine($"flush-to-zero: on inside the scope: {FlushToZero.Run().WasFlushing}");
var (loss, accuracy) = BookNetwork.Run(mnist);
Console.WriteLine($"book network: last batch loss {loss:g3}, test accuracy {accuracy:P1}");
string folder = Directory.CreateTempSubdirectory("descent-sample-").FullName;
Console.WriteLine($"checkpoint: weights restored: {CheckpointRoundTrip.Run(folder).SameWeights}");
Directory.Delete(folder, recursive: true);
Console.WriteLine($"gemm: Y = [{string.Join(", ", MatrixMultiply.Run().Y)}]");
var (loopResult, _) = TrainingLoopSample.Run(mnist);
Console.WriteLine($"training loop: {loopResult.Status} after {loopResult.Steps} steps, loss {loopResult.Losses[^1]:g3}");
Console.WriteLine($"data: {DataLoading.Run(mnist).Fit} training examples after holding out 1000");
