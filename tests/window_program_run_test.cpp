// What "Your programs" in the window plans before anything is made: an
// example's pair, the student's two command lines split as a shell would,
// and a one-line error for a program that is not there or nothing to run.
#include "lab/window_program_run.hpp"

#include <gtest/gtest.h>

namespace tcplab {
namespace {

class WindowPrograms : public testing::Test {
protected:
    void SetUp() override {
        auto loaded = Language::load("en");
        ASSERT_TRUE(loaded.ok());
        language_ = loaded.value();
    }
    Result<std::shared_ptr<WindowProgramRun>> plan(const ProgramCommandSettings& settings) {
        return WindowProgramRun::plan(settings, ProgramCommandContext{}, language_);
    }
    Language language_;
};

TEST_F(WindowPrograms, AnExampleRunsItsPairInItsFolder) {
    ProgramCommandSettings settings;
    settings.example = "echo";
    auto planned = plan(settings);
    ASSERT_TRUE(planned) << planned.error().what;
    const ExecPlan& exec = planned.value()->exec_plan();
    ASSERT_TRUE(exec.example);
    EXPECT_EQ(exec.example->name, "echo");
    ASSERT_FALSE(exec.programs.server.empty());
    EXPECT_EQ(exec.programs.server.front(), "python3");
    EXPECT_FALSE(exec.programs.working_directory.empty());
    // Nothing runs until start(): no input and no outcome yet.
    EXPECT_EQ(planned.value()->input(), nullptr);
    EXPECT_EQ(planned.value()->outcome(), nullptr);
}

TEST_F(WindowPrograms, TypedCommandLinesAreSplitAsAShellWould) {
    ProgramCommandSettings settings;
    settings.server = "/bin/sh -c 'echo \"one two\"'";
    settings.client = "/bin/true";
    auto planned = plan(settings);
    ASSERT_TRUE(planned) << planned.error().what;
    EXPECT_EQ(planned.value()->exec_plan().programs.server,
              (std::vector<std::string>{"/bin/sh", "-c", "echo \"one two\""}));
    EXPECT_EQ(planned.value()->exec_plan().programs.client, std::vector<std::string>{"/bin/true"});
}

TEST_F(WindowPrograms, AMissingProgramOrNothingToRunIsAnErrorBeforeAnythingStarts) {
    ProgramCommandSettings missing;
    missing.server = "no-such-program-tcplab 9000";
    auto planned = plan(missing);
    ASSERT_FALSE(planned);
    EXPECT_NE(planned.error().what.find("no-such-program-tcplab"), std::string::npos) << planned.error().what;

    auto nothing = plan(ProgramCommandSettings{});
    ASSERT_FALSE(nothing);
    EXPECT_EQ(nothing.error().what, "nothing to run");
}

}  // namespace
}  // namespace tcplab
