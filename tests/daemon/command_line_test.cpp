#include "command_line.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace qi::daemon {
namespace {

CommandLine parse(std::vector<const char*> args) {
  args.insert(args.begin(), "qualys-insightd");
  return parse_command_line(static_cast<int>(args.size()), args.data());
}

TEST(CommandLine, RunsTheDaemonWithTheDefaultConfigWhenGivenNothing) {
  auto line = parse({});
  EXPECT_EQ(line.command, Command::daemon);
  EXPECT_EQ(line.config, "/etc/qualys-insight/config.yaml");
}

TEST(CommandLine, ExpandsAllToEveryJobOnce) {
  auto line = parse({"--config", "/tmp/c.yaml", "run", "kb", "all"});
  EXPECT_EQ(line.command, Command::run);
  EXPECT_EQ(line.config, "/tmp/c.yaml");
  EXPECT_EQ(line.jobs, (std::vector<std::string>{"assets", "kb", "vm"}));
}

TEST(CommandLine, PutsInsightAfterTheJobsWhoseFilesItImports) {
  auto line = parse({"run", "insight", "vm", "assets"});
  EXPECT_EQ(line.jobs, (std::vector<std::string>{"assets", "vm", "insight"}));
  EXPECT_FALSE(line.all);
  EXPECT_TRUE(parse({"run", "all"}).all);
}

TEST(CommandLine, ReadsOnlineForCheck) {
  EXPECT_TRUE(parse({"check", "--online"}).online);
  EXPECT_FALSE(parse({"check"}).online);
  EXPECT_THROW(parse({"check", "--json"}), std::invalid_argument);
}

TEST(CommandLine, ConvertsNoInsightFiles) {
  EXPECT_THROW(parse({"convert", "insight", "--input", "x", "--output", "y"}),
               std::invalid_argument);
}

TEST(CommandLine, ReadsForceForRun) {
  auto line = parse({"run", "--force", "vm"});
  EXPECT_TRUE(line.force);
  EXPECT_EQ(line.jobs, (std::vector<std::string>{"vm"}));
  EXPECT_FALSE(parse({"run", "vm"}).force);
}

TEST(CommandLine, ReadsFullForRun) {
  auto line = parse({"run", "kb", "--full", "vm"});
  EXPECT_TRUE(line.full);
  EXPECT_FALSE(line.force);
  EXPECT_EQ(line.jobs, (std::vector<std::string>{"kb", "vm"}));
  EXPECT_FALSE(parse({"run", "vm"}).full);
}

TEST(CommandLine, AcceptsTheConfigOptionAfterTheCommand) {
  auto line = parse({"check", "--config=/x.yaml"});
  EXPECT_EQ(line.command, Command::check);
  EXPECT_EQ(line.config, "/x.yaml");
}

TEST(CommandLine, RejectsUnknownJobsAndCommands) {
  EXPECT_THROW(parse({"run", "kbb"}), std::invalid_argument);
  EXPECT_THROW(parse({"run"}), std::invalid_argument);
  EXPECT_THROW(parse({"frobnicate"}), std::invalid_argument);
}

TEST(CommandLine, ReadsNextCount) {
  EXPECT_EQ(parse({"next", "--count", "7"}).count, 7);
  EXPECT_THROW(parse({"next", "--count", "0"}), std::invalid_argument);
  EXPECT_THROW(parse({"next", "--count", "x"}), std::invalid_argument);
}

TEST(CommandLine, TakesSeveralInputsForConvert) {
  auto line = parse({"convert", "vm", "--input", "p1.xml", "p2.xml", "--output", "out"});
  EXPECT_EQ(line.command, Command::convert);
  EXPECT_EQ(line.convert_kind, "vm");
  ASSERT_EQ(line.inputs.size(), 2u);
  EXPECT_EQ(line.inputs[1], "p2.xml");
  EXPECT_EQ(line.output, "out");
  EXPECT_THROW(parse({"convert", "vm", "--output", "out"}), std::invalid_argument);
  EXPECT_THROW(parse({"convert", "--input", "a", "--output", "out"}), std::invalid_argument);
}

TEST(CommandLine, TellsWhetherTheConfigWasGivenOrIsTheDefault) {
  // convert reads a configuration only when one is named (its output settings).
  EXPECT_FALSE(parse({"convert", "vm", "--input", "p.xml", "--output", "out"}).config_given);
  EXPECT_TRUE(parse({"--config", "/c.yaml", "convert", "vm", "--input", "p.xml", "--output", "o"})
                  .config_given);
  EXPECT_TRUE(
      parse({"convert", "vm", "--config=/c.yaml", "--input", "p", "--output", "o"}).config_given);
}

TEST(CommandLine, ReadsJsonForStatus) {
  auto line = parse({"status", "--json"});
  EXPECT_EQ(line.command, Command::status);
  EXPECT_TRUE(line.json);
  EXPECT_FALSE(parse({"status"}).json);
}

TEST(CommandLine, RejectsOtherArgumentsOfStatus) {
  EXPECT_THROW(parse({"status", "--jsonn"}), std::invalid_argument);
  EXPECT_THROW(parse({"status", "kb"}), std::invalid_argument);
  EXPECT_THROW(parse({"run", "kb", "--json"}), std::invalid_argument);
}

TEST(CommandLine, HelpAndVersionWinOverEverythingElse) {
  EXPECT_EQ(parse({"run", "kb", "--help"}).command, Command::help);
  EXPECT_EQ(parse({"--version"}).command, Command::version);
}

TEST(CommandLine, UsageListsEveryCommandAndExitCode) {
  const auto text = usage_text();
  for (auto word : {"run [--force] [--full] JOB", "check", "next", "status [--json]", "convert",
                    "Exit codes", "6  status: a job needs attention"}) {
    EXPECT_NE(text.find(word), std::string::npos) << word;
  }
}

}  // namespace
}  // namespace qi::daemon
