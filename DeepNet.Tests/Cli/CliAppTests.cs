namespace DeepNet.Tests.Cli;

/// <summary>The root command: every command has --help, and a missing command is an error.</summary>
public class CliAppTests
{
    [TestCase("summary", "MODEL")]
    [TestCase("predict", "--output-dir")]
    [TestCase("convert", "--weights-out")]
    [TestCase("inspect", "--max-value-length")]
    public void Help_EveryCommand_DescribesItsArgumentsAndExitsZero(string command, string mentioned)
    {
        var result = CliRun.RunOk(command, "--help");
        // The usage line names the executable, which is the test host here.
        Assert.That(result.Output, Does.Match($@"Usage:\s+\S+ {command} "));
        Assert.That(result.Output, Does.Contain(mentioned));
    }

    [Test]
    public void Help_Root_ListsTheFourCommands()
    {
        var result = CliRun.Run("--help");
        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Output, Does.Contain("summary").And.Contain("predict").And.Contain("convert").And.Contain("inspect"));
    }

    [Test]
    public void Run_NoCommandOrAnUnknownOne_IsAnError()
    {
        CliRun.AssertUserError(CliRun.Run());
        CliRun.AssertUserError(CliRun.Run("train", "model.h5"), "train");
    }
}
