#include "tracepoint.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <thread>
#include <utility>

namespace tcplab {
namespace {

constexpr const char* kTracefsRoot = "/sys/kernel/tracing";
constexpr const char* kEventDir = "events/sock/inet_sock_set_state";
constexpr std::string_view kInstancePrefix = "tcplab-";
constexpr std::string_view kEventMarker = ": inet_sock_set_state: ";
// A line longer than this without a newline is not trace output we understand.
constexpr size_t kMaxPendingBytes = 64 * 1024;

std::string errno_text(int error_number) { return std::strerror(error_number); }

bool path_exists(const std::string& path) {
    struct stat status {};
    return ::stat(path.c_str(), &status) == 0;
}

Error not_root_error() { return Error{"Reading the kernel's TCP state tracepoint needs root", "Run tcplab with sudo"}; }

Error tracefs_missing_error() {
    return Error{std::string("tracefs is not mounted at ") + kTracefsRoot,
                 std::string("sudo mount -t tracefs nodev ") + kTracefsRoot};
}

// Writes the whole of `text` to a tracefs control file.
Status write_control_file(const std::string& path, std::string_view text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) return Error{"Could not open " + path + ": " + errno_text(errno), ""};
    const ssize_t written = ::write(fd, text.data(), text.size());
    const int error_number = errno;
    ::close(fd);
    if (written < 0)
        return Error{"Could not write '" + std::string(text) + "' to " + path + ": " + errno_text(error_number), ""};
    if (static_cast<size_t>(written) != text.size()) return Error{"Short write to " + path, ""};
    return Done{};
}

int64_t clock_ns(clockid_t clock) {
    timespec now{};
    ::clock_gettime(clock, &now);
    return static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// The trace clock "mono" is CLOCK_MONOTONIC. Reading CLOCK_REALTIME on both
// sides of the monotonic reading and taking the middle halves the error that
// a preemption between the calls would cause.
int64_t measure_realtime_minus_mono() {
    const int64_t realtime_before = clock_ns(CLOCK_REALTIME);
    const int64_t mono = clock_ns(CLOCK_MONOTONIC);
    const int64_t realtime_after = clock_ns(CLOCK_REALTIME);
    return realtime_before + (realtime_after - realtime_before) / 2 - mono;
}

template <class Integer>
std::optional<Integer> parse_integer(std::string_view text) {
    Integer value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// "5012.345678" -> nanoseconds. The fraction has as many digits as the trace
// clock gives (six for "mono"), so scale whatever is there to nine.
std::optional<int64_t> parse_timestamp_ns(std::string_view text) {
    const size_t dot = text.find('.');
    if (dot == std::string_view::npos || dot == 0) return std::nullopt;
    const std::string_view fraction = text.substr(dot + 1);
    if (fraction.empty() || fraction.size() > 9) return std::nullopt;
    const std::optional<int64_t> seconds = parse_integer<int64_t>(text.substr(0, dot));
    std::optional<int64_t> fraction_value = parse_integer<int64_t>(fraction);
    if (!seconds || !fraction_value || *seconds < 0 || *fraction_value < 0) return std::nullopt;
    for (size_t digits = fraction.size(); digits < 9; ++digits) *fraction_value *= 10;
    return *seconds * 1'000'000'000 + *fraction_value;
}

// The names __print_symbolic() uses in the event's print fmt, mapped to
// include/net/tcp_states.h numbers.
std::optional<TcpState> state_from_trace_name(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, int>, 12> kNames = {{
        {"TCP_ESTABLISHED", 1},
        {"TCP_SYN_SENT", 2},
        {"TCP_SYN_RECV", 3},
        {"TCP_FIN_WAIT1", 4},
        {"TCP_FIN_WAIT2", 5},
        {"TCP_TIME_WAIT", 6},
        {"TCP_CLOSE", 7},
        {"TCP_CLOSE_WAIT", 8},
        {"TCP_LAST_ACK", 9},
        {"TCP_LISTEN", 10},
        {"TCP_CLOSING", 11},
        {"TCP_NEW_SYN_RECV", 12},
    }};
    for (const auto& [text, number] : kNames)
        if (text == name) return state_from_linux(number);
    return std::nullopt;
}

std::optional<IpAddress> parse_address(std::string_view text, uint8_t version) {
    std::optional<IpAddress> address = IpAddress::parse(text);
    if (!address || address->version != version) return std::nullopt;
    return address;
}

// Counts the entries of /proc/self/task; 1 when /proc is not available,
// since then we cannot know better and unshare() will tell.
int thread_count() {
    DIR* directory = ::opendir("/proc/self/task");
    if (directory == nullptr) return 1;
    int threads = 0;
    while (const dirent* entry = ::readdir(directory))
        if (entry->d_name[0] != '.') ++threads;
    ::closedir(directory);
    return threads > 0 ? threads : 1;
}

bool pid_is_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

// Instances are global to the kernel, not to a mount namespace, so a crashed
// tcplab leaves its instance (and its ring buffer) behind. Remove those whose
// owner is gone; an instance still in use fails rmdir with EBUSY anyway.
void remove_stale_instances(const std::string& instances_dir) {
    DIR* directory = ::opendir(instances_dir.c_str());
    if (directory == nullptr) return;
    while (const dirent* entry = ::readdir(directory)) {
        const std::string_view name = entry->d_name;
        if (!name.starts_with(kInstancePrefix)) continue;
        const std::string_view rest = name.substr(kInstancePrefix.size());
        const size_t dash = rest.find('-');
        if (dash == std::string_view::npos) continue;
        const std::optional<pid_t> pid = parse_integer<pid_t>(rest.substr(0, dash));
        if (!pid || *pid <= 0 || !parse_integer<unsigned>(rest.substr(dash + 1))) continue;
        if (pid_is_alive(*pid)) continue;
        const std::string path = instances_dir + "/" + std::string(name);
        // Best effort: the event must not keep firing into a buffer nobody reads.
        (void)write_control_file(path + "/" + kEventDir + "/enable", "0");
        ::rmdir(path.c_str());
    }
    ::closedir(directory);
}

std::string make_filter(const std::vector<uint16_t>& ports) {
    // With no ports the filter keeps every TCP socket.
    std::string filter = "protocol == 6";
    if (ports.empty()) return filter;
    filter += " && (";
    for (size_t i = 0; i < ports.size(); ++i) {
        if (i > 0) filter += " || ";
        const std::string port = std::to_string(ports[i]);
        filter += "sport == " + port + " || dport == " + port;
    }
    filter += ")";
    return filter;
}

}  // namespace

std::optional<TracepointStateChange> parse_inet_sock_set_state(std::string_view line, int64_t realtime_minus_mono_ns) {
    // The task name at the start of the line may contain anything, but the
    // payload after the event name never contains the marker, so the last
    // occurrence is the real one.
    const size_t marker = line.rfind(kEventMarker);
    if (marker == std::string_view::npos) return std::nullopt;
    const std::string_view before = line.substr(0, marker);
    const size_t timestamp_start = before.find_last_of(' ');
    const std::optional<int64_t> mono_ns =
        parse_timestamp_ns(timestamp_start == std::string_view::npos ? before : before.substr(timestamp_start + 1));
    if (!mono_ns) return std::nullopt;

    std::string_view family, protocol, sport, dport, saddr, daddr, saddrv6, daddrv6, oldstate, newstate;
    std::string_view payload = line.substr(marker + kEventMarker.size());
    while (!payload.empty()) {
        const size_t space = payload.find(' ');
        std::string_view field = payload.substr(0, space);
        payload = space == std::string_view::npos ? std::string_view() : payload.substr(space + 1);
        if (!field.empty() && field.back() == '\n') field.remove_suffix(1);
        const size_t equals = field.find('=');
        if (equals == std::string_view::npos) continue;
        const std::string_view key = field.substr(0, equals);
        const std::string_view value = field.substr(equals + 1);
        if (key == "family")
            family = value;
        else if (key == "protocol")
            protocol = value;
        else if (key == "sport")
            sport = value;
        else if (key == "dport")
            dport = value;
        else if (key == "saddr")
            saddr = value;
        else if (key == "daddr")
            daddr = value;
        else if (key == "saddrv6")
            saddrv6 = value;
        else if (key == "daddrv6")
            daddrv6 = value;
        else if (key == "oldstate")
            oldstate = value;
        else if (key == "newstate")
            newstate = value;
    }
    // MPTCP and SCTP use the same event; lab only follows TCP.
    if (protocol != "IPPROTO_TCP") return std::nullopt;

    TracepointStateChange change;
    change.time_ns = *mono_ns + realtime_minus_mono_ns;

    std::optional<IpAddress> local, remote;
    if (family == "AF_INET") {
        // For IPv6 sockets saddr/daddr hold placeholders (127.0.0.6 for a
        // loopback listener), so each family reads its own fields.
        local = parse_address(saddr, 4);
        remote = parse_address(daddr, 4);
    } else if (family == "AF_INET6") {
        local = parse_address(saddrv6, 6);
        remote = parse_address(daddrv6, 6);
    } else {
        return std::nullopt;
    }
    const std::optional<uint16_t> local_port = parse_integer<uint16_t>(sport);
    const std::optional<uint16_t> remote_port = parse_integer<uint16_t>(dport);
    const std::optional<TcpState> from = state_from_trace_name(oldstate);
    const std::optional<TcpState> to = state_from_trace_name(newstate);
    if (!local || !remote || !local_port || !remote_port || !from || !to) return std::nullopt;

    change.local = Endpoint{*local, *local_port};
    change.remote = Endpoint{*remote, *remote_port};
    change.from = *from;
    change.to = *to;
    return change;
}

Status prepare_tracefs() {
    if (::geteuid() != 0) return Done{};  // open() will explain that root is needed
    const std::string events = std::string(kTracefsRoot) + "/events";
    if (path_exists(events)) return Done{};

    // Linux lets a multithreaded process unshare(CLONE_NEWNS) (it gives the
    // calling thread a private copy of its fs_struct), but then only this
    // thread and the threads it starts later see the new mount; the others
    // would keep finding no tracefs. Refuse instead of half working.
    if (const int threads = thread_count(); threads > 1)
        return Error{"prepare_tracefs() must run before any other thread starts, but this process already runs " +
                         std::to_string(threads) +
                         " threads; a private tracefs mount would be visible to the "
                         "calling thread only",
                     "Call prepare_tracefs() first thing in main(), or mount tracefs for everyone: "
                     "sudo mount -t tracefs nodev " +
                         std::string(kTracefsRoot)};

    // A mount namespace of our own keeps the host's mount table untouched; the
    // mount disappears when the process exits.
    if (::unshare(CLONE_NEWNS) != 0) {
        const int error_number = errno;
        if (error_number == EINVAL)
            return Error{
                "Could not create a private mount namespace for tracefs: the kernel refused because "
                "the process already runs several threads (prepare_tracefs() must run before any "
                "thread starts)",
                std::string("sudo mount -t tracefs nodev ") + kTracefsRoot};
        return Error{"Could not create a private mount namespace for tracefs: " + errno_text(error_number),
                     std::string("sudo mount -t tracefs nodev ") + kTracefsRoot};
    }
    // Without this the new namespace shares mount propagation with the host,
    // and the tracefs mount below would appear there too.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        return Error{"Could not make the private mount namespace private: " + errno_text(errno),
                     std::string("sudo mount -t tracefs nodev ") + kTracefsRoot};
    if (::mount("nodev", kTracefsRoot, "tracefs", 0, nullptr) != 0)
        return Error{
            std::string("Could not mount tracefs at ") + kTracefsRoot + ": " + errno_text(errno),
            "Check that the kernel has CONFIG_TRACING, then: sudo mount -t tracefs nodev " + std::string(kTracefsRoot)};
    return Done{};
}

Result<StateTracepoint> StateTracepoint::open(const std::vector<uint16_t>& ports) {
    if (::geteuid() != 0) return not_root_error();
    const std::string root = kTracefsRoot;
    if (!path_exists(root + "/events")) return tracefs_missing_error();
    const std::string instances_dir = root + "/instances";
    if (!path_exists(instances_dir))
        return Error{"This kernel's tracefs has no instances directory", "Use a kernel newer than 3.10"};

    remove_stale_instances(instances_dir);

    static std::atomic<unsigned> counter{0};
    StateTracepoint tracepoint;
    // A tcplab that died with our pid (in another pid namespace, or long ago)
    // may still own a directory with our name; try the next number then.
    for (int attempt = 0; attempt < 100 && tracepoint.instance_dir_.empty(); ++attempt) {
        const std::string path = instances_dir + "/" + std::string(kInstancePrefix) + std::to_string(::getpid()) + "-" +
                                 std::to_string(counter.fetch_add(1));
        if (::mkdir(path.c_str(), 0700) == 0)
            tracepoint.instance_dir_ = path;
        else if (errno != EEXIST)
            return Error{"Could not create the tracefs instance " + path + ": " + errno_text(errno), ""};
    }
    if (tracepoint.instance_dir_.empty()) return Error{"Could not find a free tracefs instance name", ""};
    // From here on, returning an error destroys `tracepoint`, which removes the instance.

    const std::string& instance = tracepoint.instance_dir_;
    const std::string event = instance + "/" + kEventDir;
    if (!path_exists(event))
        return Error{"The kernel has no sock:inet_sock_set_state tracepoint", "Use Linux 4.16 or newer"};

    // Wake poll() on the first event, not when the buffer is half full (the
    // default watermark); older kernels lack the file, which is fine.
    (void)write_control_file(instance + "/buffer_percent", "0");
    if (Status status = write_control_file(instance + "/trace_clock", "mono"); !status) return status.error();
    if (Status status = write_control_file(event + "/filter", make_filter(ports)); !status) return status.error();
    if (Status status = write_control_file(event + "/enable", "1"); !status) return status.error();

    tracepoint.pipe_fd_ = ::open((instance + "/trace_pipe").c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (tracepoint.pipe_fd_ < 0) return Error{"Could not open " + instance + "/trace_pipe: " + errno_text(errno), ""};
    tracepoint.realtime_minus_mono_ns_ = measure_realtime_minus_mono();
    return tracepoint;
}

StateTracepoint::StateTracepoint(StateTracepoint&& other) noexcept
    : instance_dir_(std::exchange(other.instance_dir_, {})),
      pipe_fd_(std::exchange(other.pipe_fd_, -1)),
      realtime_minus_mono_ns_(other.realtime_minus_mono_ns_),
      pending_(std::exchange(other.pending_, {})) {}

StateTracepoint& StateTracepoint::operator=(StateTracepoint&& other) noexcept {
    if (this != &other) {
        close();
        instance_dir_ = std::exchange(other.instance_dir_, {});
        pipe_fd_ = std::exchange(other.pipe_fd_, -1);
        realtime_minus_mono_ns_ = other.realtime_minus_mono_ns_;
        pending_ = std::exchange(other.pending_, {});
    }
    return *this;
}

StateTracepoint::~StateTracepoint() { close(); }

void StateTracepoint::close() {
    if (!instance_dir_.empty()) (void)write_control_file(instance_dir_ + "/" + kEventDir + "/enable", "0");
    if (pipe_fd_ >= 0) {
        ::close(pipe_fd_);
        pipe_fd_ = -1;
    }
    if (!instance_dir_.empty()) {
        // The kernel drops its reference to the instance shortly after the
        // trace_pipe file is released; until then rmdir says EBUSY.
        for (int attempt = 0; attempt < 50; ++attempt) {
            if (::rmdir(instance_dir_.c_str()) == 0 || errno != EBUSY) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        instance_dir_.clear();
    }
    pending_.clear();
}

std::vector<TracepointStateChange> StateTracepoint::read(std::chrono::milliseconds timeout) {
    std::vector<TracepointStateChange> changes;
    if (pipe_fd_ < 0) return changes;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::array<char, 16384> buffer{};

    for (;;) {
        // Drain everything the ring buffer holds right now.
        for (;;) {
            const ssize_t received = ::read(pipe_fd_, buffer.data(), buffer.size());
            if (received > 0) {
                pending_.append(buffer.data(), static_cast<size_t>(received));
                continue;
            }
            if (received < 0 && errno == EINTR) continue;
            break;  // EAGAIN: empty for now
        }
        size_t line_start = 0;
        for (size_t newline; (newline = pending_.find('\n', line_start)) != std::string::npos;
             line_start = newline + 1) {
            const std::string_view line(pending_.data() + line_start, newline - line_start);
            if (auto change = parse_inet_sock_set_state(line, realtime_minus_mono_ns_)) changes.push_back(*change);
        }
        pending_.erase(0, line_start);
        if (pending_.size() > kMaxPendingBytes) pending_.clear();

        const auto now = std::chrono::steady_clock::now();
        if (!changes.empty() || now >= deadline) return changes;
        // Short slices: some kernels only wake trace_pipe readers from a
        // deferred irq_work, so do not rely on poll() alone.
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
        pollfd poll_entry{pipe_fd_, POLLIN, 0};
        ::poll(&poll_entry, 1, static_cast<int>(std::min<int64_t>(left.count() + 1, 50)));
    }
}

}  // namespace tcplab
