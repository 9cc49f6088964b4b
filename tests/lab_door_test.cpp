// The door a second `tcplab shell` joins a running lab by: the terminal
// passes to the joiner, the shell's end comes back, one lab per door, and a
// door left by a killed lab is replaced.
#include "scenarios/lab_door.hpp"

#include <gtest/gtest.h>
#include <pty.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace tcplab {
namespace {

class Door : public testing::Test {
protected:
    void SetUp() override {
        char name[] = "/tmp/tcplab-door-test-XXXXXX";
        folder_ = mkdtemp(name);
        chmod(folder_.c_str(), 0700);
        setenv("TCPLAB_LAB_SOCKET", (folder_ + "/lab.sock").c_str(), 1);
    }
    void TearDown() override {
        unsetenv("TCPLAB_LAB_SOCKET");
        for (int slave : slaves_) close(slave);
        std::filesystem::remove_all(folder_);
    }

    // Opens a door whose "shells" are ptys; the test keeps the slave sides.
    std::unique_ptr<LabDoor> open_door() {
        auto door = LabDoor::open([this](const JoinRequest& request) -> Result<JoinedShell> {
            last_request_ = request;
            int master = -1, slave = -1;
            if (openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) return Error{"no pty", ""};
            slaves_.push_back(slave);
            return JoinedShell{request.host == "server" ? Actor::Server : Actor::Client, 4242, master};
        });
        EXPECT_TRUE(door) << (door ? "" : door.error().what);
        return door ? std::move(door.value()) : nullptr;
    }

    std::string folder_;
    JoinRequest last_request_;
    std::vector<int> slaves_;
};

TEST_F(Door, JoinerGetsTheShellsTerminalAndItsExitStatus) {
    auto door = open_door();
    ASSERT_NE(door, nullptr);
    auto joined = join_lab({"server", "xterm", "/tmp", 30, 100});
    ASSERT_TRUE(joined) << joined.error().what;
    EXPECT_EQ(joined.value().shell.host, Actor::Server);
    EXPECT_EQ(joined.value().shell.pid, 4242);
    EXPECT_EQ(last_request_.term, "xterm");
    EXPECT_EQ(last_request_.columns, 100);
    // The passed terminal is the shell's: what the shell writes, the joiner reads.
    ASSERT_EQ(write(slaves_.at(0), "hi\n", 3), 3);
    char buffer[16] = {};
    ASSERT_GT(read(joined.value().shell.terminal, buffer, sizeof buffer), 0);
    EXPECT_EQ(std::string(buffer).substr(0, 2), "hi");
    EXPECT_EQ(door->joined_shells(), 1u);
    door->shell_ended(4242, 0, 9);
    EXPECT_EQ(wait_for_joined_shell(joined.value().connection), 128 + 9);
    EXPECT_EQ(door->joined_shells(), 0u);
    close(joined.value().connection);
    close(joined.value().shell.terminal);
}

TEST_F(Door, OneLabPerDoorAndNoLabIsSaid) {
    auto refused = join_lab({});
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().what.find("no lab is running"), std::string::npos);
    auto door = open_door();
    ASSERT_NE(door, nullptr);
    auto second = LabDoor::open([](const JoinRequest&) -> Result<JoinedShell> { return Error{"", ""}; });
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().what.find("already running"), std::string::npos);
}

TEST_F(Door, DoorOfAKilledLabIsReplaced) {
    // A socket file nobody listens on: what a lab killed with SIGKILL leaves.
    const std::string path = folder_ + "/lab.sock";
    const int stale = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    ASSERT_EQ(bind(stale, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    close(stale);
    auto door = open_door();
    ASSERT_NE(door, nullptr);
    EXPECT_TRUE(join_lab({"client", "", "", 0, 0}));
}

TEST_F(Door, LabClosingEndsTheJoinersWait) {
    auto door = open_door();
    auto joined = join_lab({"client", "", "", 0, 0});
    ASSERT_TRUE(joined);
    door.reset();
    EXPECT_EQ(wait_for_joined_shell(joined.value().connection), std::nullopt);
    close(joined.value().connection);
    close(joined.value().shell.terminal);
}

}  // namespace
}  // namespace tcplab
