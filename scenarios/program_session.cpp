#include "program_session.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>

namespace tcplab {
namespace {

// When the program wrote the line that took `consumed` bytes of its
// terminal: the stamp of the write its last byte (the line break) came from;
// `writes` loses those bytes. A line is dated when it was finished, so a
// prompt waiting for input is not dated back to when it was begun (the
// terminal view prints what is a moment old, and would miss it). Bytes no
// traced write announced (a write the tracer does not see, such as pwrite)
// are dated as they are read.
int64_t written_at(std::deque<TerminalWrite>& writes, uint64_t consumed) {
    int64_t time_ns = 0;
    while (consumed > 0 && !writes.empty()) {
        TerminalWrite& oldest = writes.front();
        const uint64_t taken = std::min(consumed, oldest.bytes);
        if (taken > 0) time_ns = oldest.time_ns;
        oldest.bytes -= taken;
        consumed -= taken;
        if (oldest.bytes == 0) writes.pop_front();
    }
    return consumed == 0 && time_ns != 0 ? time_ns : realtime_now_ns();
}

// A line longer than this is cut into pieces: a program printing a megabyte
// without a line break still shows up.
constexpr size_t kLongestLine = 4096;

std::string hosts_file_text(const SessionHosts& hosts) {
    std::string text = "# The lab's hosts (tcplab); the real /etc/hosts is unchanged.\n";
    if (hosts.client_address == hosts.server_address) {
        text += hosts.client_address.to_string() + "\tlocalhost client server\n";
    } else {
        text += "127.0.0.1\tlocalhost\n";
        text += hosts.client_address.to_string() + "\tclient\n";
        text += hosts.server_address.to_string() + "\tserver\n";
    }
    text += "::1\tlocalhost ip6-localhost ip6-loopback\n";
    return text;
}

// The session's environment with `overrides` set (NAME=value replaces NAME).
std::vector<std::string> with_overrides(std::vector<std::string> environment,
                                        const std::vector<std::string>& overrides) {
    for (const std::string& setting : overrides) {
        const std::string name = setting.substr(0, setting.find('=') + 1);
        std::erase_if(environment, [&](const std::string& existing) { return existing.rfind(name, 0) == 0; });
        environment.push_back(setting);
    }
    return environment;
}

}  // namespace

struct ProgramSession::Reader {
    int master = -1;
    pid_t pid = 0;  // the program on this terminal (0 until it runs)
    std::string label;
    Actor host = Actor::None;
    uint64_t terminal = 0;  // the terminal's device number, as the tracer sees it
    std::string partial;    // bytes after the last line break
    // The writes that put the bytes not yet made into lines there, oldest
    // first, each with how many of its bytes are still to come.
    std::deque<TerminalWrite> writes;
    // Nothing has the terminal open any more (EIO), though the program may
    // still run: it has closed its output before exit(). Closing the master
    // now would hang up its terminal and kill it with SIGHUP, so the master
    // stays open until the program has ended.
    bool hung_up = false;
    std::atomic<bool> program_ended{false};  // set by launch() too, when the program never ran
};

ProgramSession::ProgramSession() : output_(8192) {}

Result<std::unique_ptr<ProgramSession>> ProgramSession::start(SessionHosts hosts, ProgramUser user,
                                                              std::vector<std::string> environment,
                                                              std::string working_directory) {
    std::unique_ptr<ProgramSession> session(new ProgramSession());
    session->hosts_ = hosts;
    session->user_ = user;
    session->working_directory_ = std::move(working_directory);
    session->environment_ = with_overrides(std::move(environment), {"HOME=" + user.home, "USER=" + user.name,
                                                                    "LOGNAME=" + user.name, "SHELL=" + user.shell});

    // The hosts file lives in a private folder of our own; the programs see it
    // bind-mounted over /etc/hosts in their own mount namespace.
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    std::string pattern =
        std::string(runtime && *runtime && access(runtime, W_OK) == 0 ? runtime : "/tmp") + "/tcplab-hosts-XXXXXX";
    if (!mkdtemp(pattern.data()))
        return Error{"cannot make a folder for the lab's hosts file: " + std::string(std::strerror(errno)), ""};
    session->hosts_directory_ = pattern;
    chmod(pattern.c_str(), 0755);
    const std::string hosts_file = pattern + "/hosts";
    std::ofstream(hosts_file) << hosts_file_text(hosts);
    chmod(hosts_file.c_str(), 0644);

    auto tracer = ProgramTracer::start();
    if (!tracer) return tracer.error();
    session->tracer_ = std::move(tracer.value());
    session->wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (session->wake_fd_ < 0) return Error{"cannot make an eventfd: " + std::string(std::strerror(errno)), ""};
    session->reader_ = std::thread([raw = session.get()] { raw->read_loop(); });
    return session;
}

ProgramSession::~ProgramSession() {
    // Every program dies first, so that nothing writes to the terminals; the
    // reader takes what they wrote last, then stops; the tracer goes last.
    if (tracer_) {
        tracer_->signal_all(SIGKILL);
        for (int waited = 0; tracer_->live_processes() > 0 && waited < 2000; ++waited)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    stopping_ = true;
    if (wake_fd_ >= 0) wake();
    if (reader_.joinable()) reader_.join();
    tracer_.reset();
    for (auto& reader : new_readers_) close(reader->master);
    if (wake_fd_ >= 0) close(wake_fd_);
    if (!hosts_directory_.empty()) {
        std::error_code ignored;
        std::filesystem::remove_all(hosts_directory_, ignored);
    }
}

void ProgramSession::wake() {
    const uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof one);
}

Result<RunningProgram> ProgramSession::launch(const SessionProgram& program) {
    int master = -1, slave = -1;
    // A terminal of its own; a program's output to it is line-buffered.
    winsize size{};
    size.ws_row = 40;
    size.ws_col = 120;
    if (openpty(&master, &slave, nullptr, nullptr, &size) != 0)
        return Error{"cannot open a terminal for " + program.label + ": " + std::strerror(errno), ""};
    fcntl(master, F_SETFD, FD_CLOEXEC);
    fcntl(slave, F_SETFD, FD_CLOEXEC);
    std::unique_ptr<Reader> reader;
    if (program.terminal == ProgramTerminal::Lines) {
        // Bytes arrive as written (no "\n" made "\r\n"), so that the tracer's
        // count of bytes written tells which write began which line.
        termios settings{};
        if (tcgetattr(slave, &settings) == 0) {
            settings.c_oflag &= ~static_cast<tcflag_t>(OPOST);
            tcsetattr(slave, TCSANOW, &settings);
        }
        struct stat device {};
        fstat(slave, &device);
        reader = std::make_unique<Reader>();
        reader->master = master;
        reader->label = program.label;
        reader->host = program.host;
        reader->terminal = device.st_rdev;
    }

    ProgramLaunch launch;
    launch.argv = program.argv;
    std::vector<std::string> overrides = program.extra_environment;
    // Lines end up in a log, not on a screen: no colours or cursor moves.
    if (program.terminal == ProgramTerminal::Lines) overrides.insert(overrides.begin(), "TERM=dumb");
    launch.environment = with_overrides(environment_, overrides);
    launch.working_directory = program.working_directory.empty() ? working_directory_ : program.working_directory;
    launch.host = program.host;
    launch.netns_fd = program.host == Actor::Server ? hosts_.server_netns : hosts_.client_netns;
    launch.host_name = program.host == Actor::Server ? "server" : "client";
    launch.hosts_file = hosts_directory_ + "/hosts";
    launch.stdin_fd = program.terminal == ProgramTerminal::Interactive ? slave : program.stdin_fd;
    launch.stdout_fd = slave;
    launch.stderr_fd = slave;
    launch.controlling_terminal = slave;
    launch.stamp_terminal_writes = reader != nullptr;
    launch.user = user_;
    Reader* lines = reader.get();
    {
        // Counted before it runs: a program that ends at once must find itself here.
        std::lock_guard lock(mutex_);
        ++running_;
        // Read from before it runs: its first write's stamp must find its terminal.
        if (reader) new_readers_.push_back(std::move(reader));
    }
    if (lines) wake();
    auto pid = tracer_->launch(std::move(launch));
    // Never ran: the reader closes the terminal once it hangs up, just below.
    if (!pid && lines) lines->program_ended = true;
    close(slave);  // the program holds it now; its end is when the master reads EIO
    if (!pid) {
        std::lock_guard lock(mutex_);
        --running_;
        if (!lines) close(master);
        return pid.error();
    }
    RunningProgram running;
    running.pid = pid.value();
    std::lock_guard lock(mutex_);
    launched_.emplace_back(pid.value(), program);
    if (lines)
        lines->pid = pid.value();
    else
        running.terminal = master;
    return running;
}

std::vector<ProgramEnded> ProgramSession::take_ended() {
    std::lock_guard lock(mutex_);
    std::vector<ProgramEnded> ended;
    ended.swap(ended_);
    return ended;
}

size_t ProgramSession::running_count() const {
    std::lock_guard lock(mutex_);
    return running_;
}

size_t ProgramSession::launched_count() const {
    std::lock_guard lock(mutex_);
    return launched_.size();
}

void ProgramSession::end_all(std::chrono::milliseconds grace) {
    tracer_->signal_all(SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (tracer_->live_processes() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    tracer_->signal_all(SIGKILL);
}

void ProgramSession::read_loop() {
    std::vector<std::unique_ptr<Reader>> readers;
    // `consumed`: the bytes of the terminal the line took (its break too).
    const auto emit = [&](Reader& reader, std::string text, uint64_t consumed) {
        if (!text.empty() && text.back() == '\r') text.pop_back();
        ProgramOutput line{written_at(reader.writes, consumed), reader.host, reader.label, std::move(text)};
        // Like the tracer: wait for room rather than lose a line (the program
        // blocks on its full terminal meanwhile).
        for (int waited = 0; !output_.has_room() && waited < 5000 && !stopping_; ++waited)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        output_.push(std::move(line));
    };
    // The tracer queued each write's stamp before the write: every byte read
    // so far has its stamp here once this has run.
    const auto take_stamps = [&] {
        tracer_->terminal_writes().drain([&](TerminalWrite write) {
            for (auto& reader : readers)
                if (reader->terminal == write.terminal) reader->writes.push_back(write);
        });
    };
    const auto take_exits = [&] {
        tracer_->exits().drain([&](ProgramExit exit) {
            if (!exit.launched) return;
            std::lock_guard lock(mutex_);
            ProgramEnded ended;
            ended.pid = exit.pid;
            ended.host = exit.host;
            ended.time_ns = exit.time_ns;
            ended.exit_code = exit.exit_code;
            ended.signal = exit.signal;
            ended.core_dumped = exit.core_dumped;
            for (const auto& [pid, program] : launched_)
                if (pid == exit.pid) ended.label = program.label;
            ended_.push_back(std::move(ended));
            if (running_ > 0) --running_;
            for (auto& reader : readers) {
                if (reader->pid != exit.pid) continue;
                reader->program_ended = true;
                if (reader->hung_up) {
                    close(reader->master);
                    reader->master = -1;
                }
            }
        });
    };
    while (!stopping_ || !readers.empty()) {
        {
            std::lock_guard lock(mutex_);
            for (auto& reader : new_readers_) readers.push_back(std::move(reader));
            new_readers_.clear();
        }
        std::vector<pollfd> watched{{wake_fd_, POLLIN, 0}};
        // A hung-up terminal reports POLLHUP for ever: it is not watched.
        for (const auto& reader : readers) watched.push_back({reader->hung_up ? -1 : reader->master, POLLIN, 0});
        const int ready = poll(watched.data(), watched.size(), 50);
        if (watched[0].revents & POLLIN) {
            uint64_t count = 0;
            (void)!read(wake_fd_, &count, sizeof count);
        }
        std::vector<bool> hung_up_now(readers.size(), false);
        for (size_t i = 0; i < readers.size(); ++i) {
            if (!(watched[i + 1].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            Reader& reader = *readers[i];
            char buffer[4096];
            const ssize_t got = read(reader.master, buffer, sizeof buffer);
            if (got > 0) reader.partial.append(buffer, static_cast<size_t>(got));
            // EIO: no process holds the terminal open any more.
            if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) hung_up_now[i] = true;
        }
        take_stamps();
        for (size_t i = 0; i < readers.size(); ++i) {
            Reader& reader = *readers[i];
            for (size_t end; (end = reader.partial.find('\n')) != std::string::npos;) {
                emit(reader, reader.partial.substr(0, end), end + 1);
                reader.partial.erase(0, end + 1);
            }
            while (reader.partial.size() >= kLongestLine) {
                emit(reader, reader.partial.substr(0, kLongestLine), kLongestLine);
                reader.partial.erase(0, kLongestLine);
            }
            if (!hung_up_now[i]) continue;
            if (!reader.partial.empty()) {
                const uint64_t rest = reader.partial.size();
                emit(reader, std::move(reader.partial), rest);
            }
            reader.partial.clear();
            reader.writes.clear();
            reader.hung_up = true;
            if (reader.program_ended) {
                close(reader.master);
                reader.master = -1;
            }
        }
        std::erase_if(readers, [](const auto& reader) { return reader->master < 0; });
        take_exits();
        // At the end, terminals with nothing more to read have nobody writing to them.
        if (stopping_ && (ready <= 0 || std::all_of(readers.begin(), readers.end(),
                                                    [](const auto& reader) { return reader->hung_up; })))
            for (auto& reader : readers) {
                close(reader->master);
                reader->master = -1;
            }
        std::erase_if(readers, [](const auto& reader) { return reader->master < 0; });
    }
    take_exits();
}

}  // namespace tcplab
