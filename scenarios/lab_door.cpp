#include "lab_door.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "program_user.hpp"
#include "sandbox.hpp"

namespace tcplab {
namespace {

using json = nlohmann::json;

constexpr size_t kLongestMessage = 4096;

std::string errno_text() { return std::strerror(errno); }

std::string door_folder() {
    const uid_t uid = invoking_uid();
    // The user's runtime folder when the system has one (systemd's
    // /run/user/UID, what XDG_RUNTIME_DIR names), so that tcplab under sudo
    // and without it find the same door; else a folder of our own in /tmp.
    const std::string runtime = "/run/user/" + std::to_string(uid);
    struct stat status {};
    if (stat(runtime.c_str(), &status) == 0 && S_ISDIR(status.st_mode)) return runtime + "/tcplab";
    return "/tmp/tcplab-" + std::to_string(uid);
}

// The folder must be ours alone: made here, or already ours with mode 0700
// (in /tmp anyone could have made it first).
Status make_private_folder(const std::string& folder) {
    if (mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST)
        return Error{"cannot make " + folder + ": " + errno_text(), ""};
    struct stat status {};
    if (lstat(folder.c_str(), &status) != 0) return Error{"cannot look at " + folder + ": " + errno_text(), ""};
    // tcplab under sudo makes the folder for the user who ran sudo. (In a
    // user namespace of its own, tcplab is "root" with the user's own id.)
    const uid_t owner = invoking_uid();
    if (started_as_root() && status.st_uid == 0 && owner != 0) {
        if (chown(folder.c_str(), owner, static_cast<gid_t>(-1)) != 0)
            return Error{"cannot give " + folder + " to its user: " + errno_text(), ""};
        status.st_uid = owner;
    }
    const bool ours = status.st_uid == geteuid() || status.st_uid == owner;
    if (!S_ISDIR(status.st_mode) || !ours || (status.st_mode & 077) != 0)
        return Error{folder + " is not a private folder of yours", "remove it, or check who made it"};
    return Done{};
}

sockaddr_un address_of(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    return address;
}

bool send_message(int connection, const json& message, int passed_fd = -1) {
    const std::string text = message.dump();
    iovec part{const_cast<char*>(text.data()), text.size()};
    msghdr header{};
    header.msg_iov = &part;
    header.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    if (passed_fd >= 0) {
        header.msg_control = control;
        header.msg_controllen = sizeof control;
        cmsghdr* rights = CMSG_FIRSTHDR(&header);
        rights->cmsg_level = SOL_SOCKET;
        rights->cmsg_type = SCM_RIGHTS;
        rights->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(rights), &passed_fd, sizeof(int));
    }
    return sendmsg(connection, &header, MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
}

// One message, and the descriptor it carried (or -1).
std::optional<json> receive_message(int connection, int* passed_fd = nullptr) {
    std::vector<char> buffer(kLongestMessage);
    iovec part{buffer.data(), buffer.size()};
    msghdr header{};
    header.msg_iov = &part;
    header.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    header.msg_control = control;
    header.msg_controllen = sizeof control;
    ssize_t got;
    do got = recvmsg(connection, &header, MSG_CMSG_CLOEXEC);
    while (got < 0 && errno == EINTR);
    if (passed_fd) *passed_fd = -1;
    for (cmsghdr* rights = CMSG_FIRSTHDR(&header); rights; rights = CMSG_NXTHDR(&header, rights)) {
        if (rights->cmsg_level != SOL_SOCKET || rights->cmsg_type != SCM_RIGHTS) continue;
        int fd = -1;
        std::memcpy(&fd, CMSG_DATA(rights), sizeof fd);
        if (passed_fd)
            *passed_fd = fd;
        else
            close(fd);
    }
    if (got <= 0) return std::nullopt;
    auto parsed = json::parse(buffer.begin(), buffer.begin() + got, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
    return parsed;
}

// The joiner must be the same user as the owner (or root).
bool same_user(int connection) {
    ucred peer{};
    socklen_t length = sizeof peer;
    if (getsockopt(connection, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0) return false;
    return peer.uid == geteuid() || peer.uid == 0 || peer.uid == invoking_uid();
}

}  // namespace

std::string lab_door_path() {
    // Tests (and two labs side by side, for whoever wants that) name their own.
    if (const char* chosen = std::getenv("TCPLAB_LAB_SOCKET"); chosen && *chosen) return chosen;
    return door_folder() + "/lab.sock";
}

Result<std::unique_ptr<LabDoor>> LabDoor::open(Opener opener) {
    std::unique_ptr<LabDoor> door(new LabDoor());
    door->opener_ = std::move(opener);
    door->path_ = lab_door_path();
    const std::string folder = door->path_.substr(0, door->path_.rfind('/'));
    if (auto made = make_private_folder(folder); !made) return made.error();
    door->listener_ = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (door->listener_ < 0) return Error{"cannot make the lab's door (a Unix socket): " + errno_text(), ""};
    const sockaddr_un address = address_of(door->path_);
    if (bind(door->listener_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        if (errno != EADDRINUSE) return Error{"cannot open " + door->path_ + ": " + errno_text(), ""};
        // A lab still answering there is running; a socket nobody answers is
        // left over from a lab that was killed.
        const int probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        const bool alive = connect(probe, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
        close(probe);
        if (alive)
            return Error{"another lab is already running for you",
                         "`tcplab shell` in another terminal joins it; end it before starting a new one"};
        unlink(door->path_.c_str());
        if (bind(door->listener_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
            return Error{"cannot open " + door->path_ + ": " + errno_text(), ""};
    }
    chmod(door->path_.c_str(), 0600);
    if (geteuid() == 0 && invoking_uid() != 0)
        (void)!chown(door->path_.c_str(), invoking_uid(), static_cast<gid_t>(-1));
    if (listen(door->listener_, 8) != 0) return Error{"cannot listen on " + door->path_ + ": " + errno_text(), ""};
    door->wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    door->thread_ = std::thread([raw = door.get()] { raw->serve(); });
    return door;
}

LabDoor::~LabDoor() {
    stopping_ = true;
    if (wake_fd_ >= 0) {
        const uint64_t one = 1;
        (void)!write(wake_fd_, &one, sizeof one);
    }
    if (thread_.joinable()) thread_.join();
    {
        std::lock_guard lock(mutex_);
        for (const auto& [pid, connection] : joiners_) {
            send_message(connection, json{{"closing", true}});
            close(connection);
        }
        joiners_.clear();
    }
    if (listener_ >= 0) {
        close(listener_);
        unlink(path_.c_str());
    }
    if (wake_fd_ >= 0) close(wake_fd_);
}

void LabDoor::serve() {
    while (!stopping_) {
        pollfd watched[2] = {{listener_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
        if (poll(watched, 2, -1) < 0 && errno != EINTR) return;
        if (!(watched[0].revents & POLLIN)) continue;
        const int connection = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (connection < 0) continue;
        if (!same_user(connection)) {
            send_message(connection, json{{"error", "this lab belongs to another user"}});
            close(connection);
            continue;
        }
        const auto message = receive_message(connection);
        if (!message) {
            close(connection);
            continue;
        }
        JoinRequest request;
        request.host = message->value("host", "");
        request.term = message->value("term", "");
        request.working_directory = message->value("cwd", "");
        request.rows = message->value("rows", static_cast<unsigned short>(0));
        request.columns = message->value("cols", static_cast<unsigned short>(0));
        auto shell = opener_(request);
        if (!shell) {
            send_message(connection, json{{"error", shell.error().what}});
            close(connection);
            continue;
        }
        // Known before the joiner hears back (the shell may end at once), and
        // answered under the lock, so that its end cannot overtake the answer.
        std::lock_guard lock(mutex_);
        joiners_[shell.value().pid] = connection;
        const std::string host(actor_name(shell.value().host));
        send_message(connection, json{{"ok", true}, {"host", host}, {"pid", shell.value().pid}},
                     shell.value().terminal);
        // The joiner holds the terminal now: when it goes, the shell hangs up.
        close(shell.value().terminal);
    }
}

void LabDoor::shell_ended(pid_t pid, int exit_code, int signal) {
    std::lock_guard lock(mutex_);
    const auto found = joiners_.find(pid);
    if (found == joiners_.end()) return;
    send_message(found->second, json{{"exit", exit_code}, {"signal", signal}});
    close(found->second);
    joiners_.erase(found);
}

size_t LabDoor::joined_shells() const {
    std::lock_guard lock(mutex_);
    return joiners_.size();
}

Result<Joined> join_lab(const JoinRequest& request) {
    const std::string path = lab_door_path();
    const Error no_lab{"no lab is running for you to join (" + path + ")",
                       "start one with `tcplab shell` in another terminal first"};
    const int connection = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (connection < 0) return Error{"cannot make a Unix socket: " + errno_text(), ""};
    const sockaddr_un address = address_of(path);
    if (connect(connection, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        close(connection);
        return no_lab;
    }
    const json message{{"host", request.host},
                       {"term", request.term},
                       {"cwd", request.working_directory},
                       {"rows", request.rows},
                       {"cols", request.columns}};
    if (!send_message(connection, message)) {
        close(connection);
        return no_lab;
    }
    int terminal = -1;
    const auto reply = receive_message(connection, &terminal);
    if (!reply || !reply->value("ok", false) || terminal < 0) {
        if (terminal >= 0) close(terminal);
        close(connection);
        if (reply && reply->contains("error")) return Error{reply->value("error", ""), ""};
        return no_lab;
    }
    Joined joined;
    joined.connection = connection;
    joined.shell.host = reply->value("host", "") == "server" ? Actor::Server : Actor::Client;
    joined.shell.pid = reply->value("pid", 0);
    joined.shell.terminal = terminal;
    return joined;
}

std::optional<int> wait_for_joined_shell(int connection) {
    const auto message = receive_message(connection);
    if (!message || !message->contains("exit")) return std::nullopt;
    const int signal = message->value("signal", 0);
    return signal != 0 ? 128 + signal : message->value("exit", 0);
}

}  // namespace tcplab
