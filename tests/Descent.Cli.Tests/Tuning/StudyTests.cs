using Descent.Cli.Lab;
using Descent.Cli.Tuning;

namespace Descent.Cli.Tests.Tuning;

public class StudyTests
{
    private static readonly Dictionary<string, string> Settings = new() { ["seed"] = "1", ["plan"] = "9×10 → 3×30" };

    [Fact]
    public void ConcurrentClaims_NeverTakeTheSameTrial()
    {
        string path = NewStudy(40);
        var claimed = new System.Collections.Concurrent.ConcurrentBag<long>();
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            using var study = Study.Open(path);
            while (study.Claim(Study.Owner("test", worker, 0), TimeSpan.FromHours(1)) is { } trial)
            {
                claimed.Add(trial.Id);
            }
        });
        Assert.Equal(40, claimed.Count);
        Assert.Equal(40, claimed.Distinct().Count());
    }

    [Fact]
    public void CompletingARung_PromotesTheBestThird_DivergedLast_TiesToTheLowerIndex()
    {
        string path = NewStudy(9);
        using var study = Study.Open(path);
        double?[] losses = [0.5, null, 0.3, 0.9, 0.3, 0.7, 0.8, 0.6, 0.4];
        string owner = Study.ThisProcess;
        for (int i = 0; i < 9; i++)
        {
            Assert.DoesNotContain(study.Trials(), t => t.Rung == 1);
            var trial = study.Claim(owner, TimeSpan.FromHours(1))!;
            double? loss = losses[trial.ConfigIndex];
            Assert.True(study.Complete(trial, owner, loss is null, loss, 0.5, [1.0, 0.5], 0.01, r => r == 1 ? (3, 30) : null));
        }

        var next = study.Trials().Where(t => t.Rung == 1).OrderBy(t => t.ConfigIndex).ToList();
        Assert.Equal([2, 4, 8], next.Select(t => t.ConfigIndex));
        Assert.All(next, t => Assert.Equal((TrialState.Pending, 30), (t.State, t.Iterations)));
        Assert.Equal([1.0, 0.5], study.Trials().First(t => t.Rung == 0).Curve);
    }

    [Fact]
    public void ATrialOfAProcessThatIsGone_IsTakenOver_ALiveOneOnAnotherMachineIsNot()
    {
        string path = NewStudy(2);
        using var study = Study.Open(path);
        string dead = Study.Owner(Environment.MachineName, int.MaxValue - 1, 0);
        string elsewhere = Study.Owner("another-machine", 1, 0);
        var remote = study.Claim(elsewhere, TimeSpan.FromHours(1))!;
        var orphan = study.Claim(dead, TimeSpan.FromHours(1))!;
        var retaken = study.Claim(Study.ThisProcess, TimeSpan.FromHours(1));
        Assert.NotNull(retaken);
        Assert.Equal(orphan.Id, retaken.Id);
        Assert.Equal(2, retaken.Attempts);
        Assert.Null(study.Claim(Study.ThisProcess, TimeSpan.FromHours(1)));

        // The process thought gone cannot store its result over the new owner's.
        Assert.False(study.Complete(orphan, dead, false, 0.1, 0.9, [], 0, _ => null));
        Assert.True(study.Complete(retaken, Study.ThisProcess, false, 0.1, 0.9, [], 0, _ => null));
        Assert.Equal(TrialState.Running, study.Trials().Single(t => t.Id == remote.Id).State);
    }

    [Fact]
    public void JoiningAStudyWithOtherSettings_IsAUsageErrorNamingTheSetting()
    {
        string path = NewStudy(1);
        using var study = Study.Open(path);
        var other = new Dictionary<string, string>(Settings) { ["seed"] = "2" };
        var e = Assert.Throws<UsageException>(() => study.Initialize(other, () => []));
        Assert.Contains("seed", e.Message, StringComparison.Ordinal);
        Assert.Equal(Settings, study.Initialize(Settings, () => throw new InvalidOperationException("an existing study is not created again")));
    }

    [Fact]
    public void AFileThatIsNotSqlite_IsReportedAsNotAStudy()
    {
        string path = Path.Combine(LabConsole.TempFolder(), "junk.db");
        File.WriteAllText(path, "this is not a database, just text long enough to fill a page header or so................................");
        var e = Assert.Throws<InvalidDataException>(() => Study.Open(path).Dispose());
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    private static string NewStudy(int trials)
    {
        string path = Path.Combine(LabConsole.TempFolder(), "study.db");
        using var study = Study.Open(path);
        study.Initialize(Settings, () => Enumerable.Range(0, trials).Select(i => ("adam", i, $"adam:lr={i}", 10)));
        return path;
    }
}
