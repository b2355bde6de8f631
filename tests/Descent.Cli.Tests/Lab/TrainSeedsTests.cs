using System.Text.Json;

namespace Descent.Cli.Tests.Lab;

public sealed class TrainSeedsTests
{
    private static readonly string[] Small = ["train", "--hidden", "8", "--batch-size", "16", "--iterations", "30", "-o", "adam:lr=0.01"];

    private static JsonElement Mnist(string folder) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "run.json"))).RootElement.GetProperty("Mnist");

    private static double[] Losses(JsonElement run) => [.. run.GetProperty("Loss").EnumerateArray().Select(e => e.GetDouble())];

    [Fact]
    public void TrainWithSeeds_RunsEachSeed_AsThePlainTrainOfThatSeed_AndWritesTheBandsAndTable()
    {
        string repeated = LabConsole.TempFolder(), single = LabConsole.TempFolder();

        var (code, output) = LabConsole.Run([.. Small, "--seeds", "3", "--seed", "4", "--target", "2", "--out", repeated]);
        Assert.True(code == 0, output);
        (code, output) = LabConsole.Run([.. Small, "--seed", "5", "--out", single]);
        Assert.True(code == 0, output);

        var repeats = Mnist(repeated).GetProperty("Repeats");
        Assert.Equal([4L, 5, 6], repeats.EnumerateArray().Select(r => r.GetProperty("Seed").GetInt64()));
        Assert.Equal(Losses(Mnist(single).GetProperty("Runs")[0]), Losses(repeats[1].GetProperty("Runs")[0]));
        Assert.True(File.Exists(Path.Combine(repeated, "seeds.csv")));
        Assert.True(File.Exists(Path.Combine(repeated, "losses_seeds.png")));
    }

    [Theory]
    [InlineData("--resume")]
    [InlineData("--checkpoint-every")]
    public void TrainWithSeeds_RefusesCheckpointOptions(string option)
    {
        var (code, output) = LabConsole.Run([.. Small, "--seeds", "2", option, option == "--resume" ? LabConsole.TempFolder() : "5"]);

        Assert.Equal(Program.UsageError, code);
        Assert.Contains($"--seeds/--target repeat the run over seeds without checkpoints; they cannot be combined with {option}", output, StringComparison.Ordinal);
    }
}
