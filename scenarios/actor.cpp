#include "actor.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "sockaddr.hpp"
#include "tcp_info_reading.hpp"

namespace tcplab {
namespace {

Endpoint local_of(int fd) {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (fd < 0 || getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) return {};
    return from_sockaddr(storage);
}

std::string quoted(const std::string& data) {
    std::string text = "\"";
    for (char c : data) {
        if (c == '"' || c == '\\') text += '\\';
        if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
            text += escaped;
        } else {
            text += c;
        }
    }
    return text + "\"";
}

// What a CallEvent keeps of a large buffer: enough to recognise it, not all of it.
constexpr size_t kPreviewBytes = 32;

std::string preview(const std::string& data) { return data.substr(0, std::min(data.size(), kPreviewBytes)); }

// Argument text for a buffer: the bytes in quotes, shortened with "…" when long.
std::string shown_bytes(const std::string& data) {
    return data.size() <= kPreviewBytes ? quoted(data) : quoted(preview(data)) + "…";
}

// Network byte order, as Python's struct.pack('!I', n). The tutorials use
// struct.pack('i', n), which is the machine's own order (little-endian on
// x86): fine while both ends are the same machine, wrong between machines.
std::string big_endian_length(uint32_t length) {
    const uint32_t network = htonl(length);
    return std::string(reinterpret_cast<const char*>(&network), sizeof network);
}

uint32_t read_big_endian_length(const std::string& bytes) {
    uint32_t network = 0;
    std::memcpy(&network, bytes.data(), sizeof network);
    return ntohl(network);
}

// The course's header carries the body's MD5 so the receiver can tell a
// whole body from a damaged or mis-framed one; as hex, like Python's hexdigest().
std::string md5_hex(const std::string& bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_md5(), nullptr) != 1) return {};
    static const char* const hex = "0123456789abcdef";
    std::string text;
    for (unsigned int index = 0; index < length; ++index) {
        text += hex[digest[index] >> 4];
        text += hex[digest[index] & 0x0F];
    }
    return text;
}

// A peer's length prefix is not trusted beyond this: a garbled prefix would
// otherwise make the receiver wait for gigabytes.
constexpr uint32_t kMaxFrameBytes = 16u << 20;

}  // namespace

int Calls::release(const std::string& name) {
    std::lock_guard lock(sockets_mutex_);
    auto found = sockets_.find(name);
    if (found == sockets_.end()) return -1;
    const int fd = found->second;
    sockets_.erase(found);
    return fd;
}

void Calls::adopt(const std::string& name, int fd) {
    std::lock_guard lock(sockets_mutex_);
    sockets_[name] = fd;
}

void Calls::interrupt() {
    // shutdown() wakes a thread blocked in connect(), accept() or recv() on the
    // socket; the call returns with an error and the actor's job can finish.
    std::lock_guard lock(sockets_mutex_);
    for (const auto& [name, fd] : sockets_) ::shutdown(fd, SHUT_RDWR);
}

Calls::~Calls() {
    for (auto& [name, fd] : sockets_)
        if (fd >= 0) ::close(fd);
}

void Calls::record(int64_t started_ns, const std::string& call, const std::string& arguments, long result, int error,
                   std::string data, Endpoint local) {
    CallEvent event;
    event.time_ns = started_ns;
    event.return_ns = realtime_now_ns();
    event.actor = actor_;
    event.call = call;
    event.arguments = arguments;
    event.result = result;
    event.error_number = result < 0 ? error : 0;
    event.data = std::move(data);
    event.local = local;
    std::lock_guard lock(*queue_mutex_);
    queue_.push(std::move(event));
}

std::string Calls::describe(const std::string& name) const { return "fd=" + std::to_string(fd(name)); }

int Calls::fd(const std::string& name) const {
    std::lock_guard lock(sockets_mutex_);
    auto found = sockets_.find(name);
    return found == sockets_.end() ? -1 : found->second;
}

Endpoint Calls::local_endpoint(const std::string& name) const { return local_of(fd(name)); }

int Calls::socket(const std::string& name, int type, int family) {
    const int64_t started = realtime_now_ns();
    const int fd = ::socket(family, type | SOCK_CLOEXEC, 0);
    const int error = errno;
    if (fd >= 0) {
        timeval timeout{timeout_seconds_, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        std::lock_guard lock(sockets_mutex_);
        sockets_[name] = fd;
    }
    const std::string family_name = family == AF_INET6 ? "AF_INET6" : "AF_INET";
    const std::string type_name = type == SOCK_DGRAM ? "SOCK_DGRAM" : "SOCK_STREAM";
    record(started, "socket", family_name + ", " + type_name, fd, error);
    return fd;
}

int Calls::bind(const std::string& name, const Endpoint& address) {
    sockaddr_storage storage{};
    const socklen_t length = to_sockaddr(address, storage);
    const int64_t started = realtime_now_ns();
    const int result = ::bind(fd(name), reinterpret_cast<sockaddr*>(&storage), length);
    const int error = errno;
    record(started, "bind", describe(name) + ", " + address.to_string(), result, error, {}, local_endpoint(name));
    return result;
}

int Calls::listen(const std::string& name, int backlog) {
    const int64_t started = realtime_now_ns();
    const int result = ::listen(fd(name), backlog);
    const int error = errno;
    record(started, "listen", describe(name) + ", backlog=" + std::to_string(backlog), result, error, {},
           local_endpoint(name));
    return result;
}

int Calls::connect(const std::string& name, const Endpoint& address) {
    sockaddr_storage storage{};
    const socklen_t length = to_sockaddr(address, storage);
    const int64_t started = realtime_now_ns();
    const int result = ::connect(fd(name), reinterpret_cast<sockaddr*>(&storage), length);
    const int error = errno;
    record(started, "connect", describe(name) + ", " + address.to_string(), result, error, {}, local_endpoint(name));
    return result;
}

int Calls::accept(const std::string& listener, const std::string& new_name) {
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    const int64_t started = realtime_now_ns();
    const int result = ::accept4(fd(listener), reinterpret_cast<sockaddr*>(&peer), &length, SOCK_CLOEXEC);
    const int error = errno;
    if (result >= 0) {
        std::lock_guard lock(sockets_mutex_);
        sockets_[new_name] = result;
    }
    const std::string peer_text = result >= 0 ? " → peer " + from_sockaddr(peer).to_string() : "";
    record(started, "accept", describe(listener) + peer_text, result, error, {}, local_of(result));
    return result;
}

long Calls::send(const std::string& name, const std::string& data) {
    const int64_t started = realtime_now_ns();
    const long result = ::send(fd(name), data.data(), data.size(), MSG_NOSIGNAL);
    const int error = errno;
    record(started, "send", describe(name) + ", " + quoted(data) + ", " + std::to_string(data.size()), result, error,
           data, local_endpoint(name));
    return result;
}

long Calls::send_urgent(const std::string& name, const std::string& data) {
    const int64_t started = realtime_now_ns();
    const long result = ::send(fd(name), data.data(), data.size(), MSG_NOSIGNAL | MSG_OOB);
    const int error = errno;
    record(started, "send", describe(name) + ", " + quoted(data) + ", " + std::to_string(data.size()) + ", MSG_OOB",
           result, error, data, local_endpoint(name));
    return result;
}

long Calls::recv_urgent(const std::string& name, size_t max_bytes) {
    std::string buffer(max_bytes, '\0');
    const int64_t started = realtime_now_ns();
    const long result = ::recv(fd(name), buffer.data(), buffer.size(), MSG_OOB);
    const int error = errno;
    buffer.resize(result > 0 ? static_cast<size_t>(result) : 0);
    last_received_ = buffer;
    record(started, "recv", describe(name) + ", " + std::to_string(max_bytes) + ", MSG_OOB", result, error,
           std::move(buffer), local_endpoint(name));
    return result;
}

long Calls::recv(const std::string& name, size_t max_bytes) {
    std::string received;
    const long result = recv_into(name, max_bytes, received);
    last_received_ = std::move(received);
    return result;
}

long Calls::send_bytes(const std::string& name, const std::string& bytes, const std::string& shown, std::string data) {
    const int64_t started = realtime_now_ns();
    const long result = ::send(fd(name), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    const int error = errno;
    record(started, "send", describe(name) + ", " + shown + ", " + std::to_string(bytes.size()), result, error,
           std::move(data), local_endpoint(name));
    return result;
}

long Calls::recv_into(const std::string& name, size_t max_bytes, std::string& into) {
    std::string buffer(max_bytes, '\0');
    const int64_t started = realtime_now_ns();
    const long result = ::recv(fd(name), buffer.data(), buffer.size(), 0);
    const int error = errno;
    buffer.resize(result > 0 ? static_cast<size_t>(result) : 0);
    into += buffer;
    record(started, "recv", describe(name) + ", " + std::to_string(max_bytes), result, error, std::move(buffer),
           local_endpoint(name));
    return result;
}

bool Calls::recv_exactly(const std::string& name, size_t count, size_t max_each, std::string& into) {
    const size_t wanted = into.size() + count;
    while (into.size() < wanted)
        if (recv_into(name, std::min(max_each, wanted - into.size()), into) <= 0) return false;
    return true;
}

long Calls::sendto(const std::string& name, const std::string& data, const Endpoint& to) {
    sockaddr_storage storage{};
    const socklen_t length = to_sockaddr(to, storage);
    const int64_t started = realtime_now_ns();
    const long result =
        ::sendto(fd(name), data.data(), data.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&storage), length);
    const int error = errno;
    record(started, "sendto",
           describe(name) + ", " + shown_bytes(data) + ", " + std::to_string(data.size()) + ", " + to.to_string(),
           result, error, data.size() <= kPreviewBytes ? data : preview(data), local_endpoint(name));
    return result;
}

long Calls::recvfrom(const std::string& name, size_t max_bytes) {
    std::string buffer(max_bytes, '\0');
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    const int64_t started = realtime_now_ns();
    // With MSG_TRUNC a datagram socket returns the datagram's whole length,
    // so the trace can say how much the kernel threw away.
    const long result =
        ::recvfrom(fd(name), buffer.data(), buffer.size(), MSG_TRUNC, reinterpret_cast<sockaddr*>(&peer), &length);
    const int error = errno;
    const size_t copied = result > 0 ? std::min(static_cast<size_t>(result), max_bytes) : 0;
    buffer.resize(copied);
    last_received_ = buffer;
    std::string arguments = describe(name) + ", " + std::to_string(max_bytes) + ", MSG_TRUNC";
    if (result >= 0) arguments += " ← " + from_sockaddr(peer).to_string();
    if (result > static_cast<long>(max_bytes))
        arguments += " (truncated: " + std::to_string(copied) + " of " + std::to_string(result) + " bytes)";
    record(started, "recvfrom", arguments, result, error, std::move(buffer), local_endpoint(name));
    return result;
}

long Calls::send_repeated(const std::string& name, char fill, size_t count) {
    const std::string bytes(count, fill);
    return send_bytes(name, bytes, shown_bytes(bytes), preview(bytes));
}

long Calls::send_nowait(const std::string& name, char fill, size_t count) {
    const std::string bytes(count, fill);
    const int64_t started = realtime_now_ns();
    const long result = ::send(fd(name), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    const int error = errno;
    record(started, "send",
           describe(name) + ", " + shown_bytes(bytes) + ", " + std::to_string(count) + ", MSG_DONTWAIT", result, error,
           preview(bytes), local_endpoint(name));
    return result;
}

long Calls::sendall(const std::string& name, char fill, size_t count) {
    const std::string bytes(count, fill);
    const int64_t started = realtime_now_ns();
    size_t sent = 0;
    long result = 0;
    int error = 0;
    while (sent < bytes.size()) {
        const long once = ::send(fd(name), bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (once < 0 && errno == EINTR) continue;
        if (once < 0) {
            result = -1;
            error = errno;
            break;
        }
        sent += static_cast<size_t>(once);
    }
    if (result == 0) result = static_cast<long>(sent);
    record(started, "sendall", describe(name) + ", " + shown_bytes(bytes) + ", " + std::to_string(count), result, error,
           preview(bytes), local_endpoint(name));
    return result;
}

long Calls::recv_until(const std::string& name, size_t total, size_t max_each) {
    std::string received;
    long first_result = 0;
    bool first = true;
    while (received.size() < total) {
        const long result = recv_into(name, std::min(max_each, total - received.size()), received);
        if (first) first_result = result;
        first = false;
        if (result <= 0) break;
    }
    last_received_ = received;
    return received.empty() && first_result < 0 ? first_result : static_cast<long>(received.size());
}

long Calls::send_framed(const std::string& name, const std::string& payload) {
    const std::string prefix = big_endian_length(static_cast<uint32_t>(payload.size()));
    const std::string shown = "len=" + std::to_string(payload.size()) + " + " + shown_bytes(payload);
    const std::string message = prefix + payload;
    return send_bytes(name, message, shown, message.size() <= kPreviewBytes ? message : preview(message));
}

long Calls::recv_framed(const std::string& name, size_t max_each) {
    last_received_.clear();
    std::string prefix;
    if (!recv_exactly(name, 4, 4, prefix)) return -1;
    const uint32_t length = read_big_endian_length(prefix);
    if (length > kMaxFrameBytes) return -1;
    std::string payload;
    if (!recv_exactly(name, length, max_each, payload)) return -1;
    last_received_ = std::move(payload);
    return static_cast<long>(last_received_.size());
}

long Calls::send_with_json_header(const std::string& name, const std::string& body, const std::string& file_name) {
    const std::string header =
        nlohmann::json{{"file_name", file_name}, {"file_size", body.size()}, {"md5", md5_hex(body)}}.dump();
    // Three send() calls, as in the tutorials: the receiver copes however they
    // are glued together or split on the way.
    const std::string prefix = big_endian_length(static_cast<uint32_t>(header.size()));
    long result = send_bytes(name, prefix, "len=" + std::to_string(header.size()), prefix);
    if (result < 0) return result;
    result = send_bytes(name, header, shown_bytes(header), header);
    if (result < 0) return result;
    return send_bytes(name, body, shown_bytes(body), preview(body));
}

long Calls::recv_with_json_header(const std::string& name, size_t max_each) {
    last_received_.clear();
    last_header_.clear();
    std::string prefix;
    if (!recv_exactly(name, 4, 4, prefix)) return -1;
    const uint32_t header_length = read_big_endian_length(prefix);
    if (header_length > kMaxFrameBytes) return -1;
    std::string header;
    if (!recv_exactly(name, header_length, max_each, header)) return -1;
    last_header_ = header;
    const auto parsed = nlohmann::json::parse(header, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_object() || !parsed.contains("file_size") || !parsed["file_size"].is_number_unsigned()) return -1;
    const auto body_length = parsed["file_size"].get<uint64_t>();
    if (body_length > kMaxFrameBytes) return -1;
    std::string body;
    if (!recv_exactly(name, static_cast<size_t>(body_length), max_each, body)) return -1;
    // The receiver's own check, as the course's client would make it with hashlib.
    const int64_t checked = realtime_now_ns();
    const std::string computed = md5_hex(body);
    const std::string announced =
        parsed.contains("md5") && parsed["md5"].is_string() ? parsed["md5"].get<std::string>() : "";
    const bool same = !announced.empty() && computed == announced;
    record(checked, "md5",
           std::to_string(body.size()) + " bytes; header says " + (announced.empty() ? "nothing" : announced),
           same ? 0 : -1, same ? 0 : EBADMSG, computed);
    last_received_ = std::move(body);
    return same ? static_cast<long>(last_received_.size()) : -1;
}

int Calls::shutdown(const std::string& name, int how) {
    const int64_t started = realtime_now_ns();
    const int result = ::shutdown(fd(name), how);
    const int error = errno;
    const char* how_name = how == SHUT_RD ? "SHUT_RD" : how == SHUT_WR ? "SHUT_WR" : "SHUT_RDWR";
    record(started, "shutdown", describe(name) + ", " + how_name, result, error, {}, local_endpoint(name));
    return result;
}

int Calls::close(const std::string& name) {
    const Endpoint local = local_endpoint(name);
    const std::string arguments = describe(name);
    const int64_t started = realtime_now_ns();
    const int result = ::close(fd(name));
    const int error = errno;
    {
        std::lock_guard lock(sockets_mutex_);
        sockets_.erase(name);
    }
    record(started, "close", arguments, result, error, {}, local);
    return result;
}

int Calls::setsockopt(const std::string& name, int level, int option, int value, const std::string& option_name) {
    const int64_t started = realtime_now_ns();
    const int result = ::setsockopt(fd(name), level, option, &value, sizeof value);
    const int error = errno;
    record(started, "setsockopt", describe(name) + ", " + option_name + "=" + std::to_string(value), result, error);
    return result;
}

int Calls::kill() {
    std::map<std::string, int> sockets;
    {
        std::lock_guard lock(sockets_mutex_);
        sockets.swap(sockets_);
    }
    const int64_t started = realtime_now_ns();
    std::string closed;
    for (const auto& [name, fd] : sockets) {
        ::close(fd);
        closed += (closed.empty() ? "" : ", ") + std::string("fd=") + std::to_string(fd);
    }
    record(started, "kill", "SIGKILL; the kernel closes " + (closed.empty() ? std::string("nothing") : closed),
           static_cast<long>(sockets.size()), 0);
    return static_cast<int>(sockets.size());
}

int Calls::tcp_info(const std::string& name) {
    ::tcp_info info{};
    socklen_t length = sizeof info;
    const int64_t started = realtime_now_ns();
    const int result = ::getsockopt(fd(name), IPPROTO_TCP, TCP_INFO, &info, &length);
    const int error = errno;
    std::string reading;
    if (result == 0) {
        TcpInfoReading values;
        values.cwnd = info.tcpi_snd_cwnd;
        // The kernel's "infinite" ssthresh (TCP_INFINITE_SSTHRESH) means slow start has not ended yet.
        if (info.tcpi_snd_ssthresh < 0x7fffffffu) values.ssthresh = info.tcpi_snd_ssthresh;
        values.rtt_ms = info.tcpi_rtt / 1000.0;
        values.rto_ms = info.tcpi_rto / 1000.0;
        values.retransmits = info.tcpi_retransmits;
        values.total_retrans = info.tcpi_total_retrans;
        reading = format_tcp_info(values);
    }
    record(started, "getsockopt", describe(name) + ", TCP_INFO", result, error, reading);
    return result;
}

int Calls::set_congestion_control(const std::string& name, const std::string& algorithm) {
    const int64_t started = realtime_now_ns();
    const int result =
        ::setsockopt(fd(name), IPPROTO_TCP, TCP_CONGESTION, algorithm.data(), static_cast<socklen_t>(algorithm.size()));
    const int error = errno;
    record(started, "setsockopt", describe(name) + ", TCP_CONGESTION=\"" + algorithm + "\"", result, error);
    return result;
}

int Calls::set_linger(const std::string& name, bool on, int seconds) {
    const linger value{on ? 1 : 0, seconds};
    const int64_t started = realtime_now_ns();
    const int result = ::setsockopt(fd(name), SOL_SOCKET, SO_LINGER, &value, sizeof value);
    const int error = errno;
    record(started, "setsockopt",
           describe(name) + ", SO_LINGER={on=" + std::to_string(value.l_onoff) + ", " + std::to_string(seconds) + "s}",
           result, error);
    return result;
}

ActorThread::ActorThread(Actor actor, const Sandbox& sandbox, int call_timeout_seconds, size_t queue_capacity)
    : actor_(actor), call_timeout_seconds_(call_timeout_seconds), queue_(queue_capacity) {
    std::promise<void> entered;
    auto ready = entered.get_future();
    thread_ = std::thread([this, &sandbox, &entered] {
        // Entering a namespace we created and hold open should not fail; if it
        // does, the actor refuses every job rather than touch the host network.
        in_sandbox_ = sandbox.enter().ok();
        entered.set_value();
        loop(sandbox);
    });
    ready.wait();
}

ActorThread::~ActorThread() {
    {
        std::lock_guard lock(mutex_);
        quitting_ = true;
        // A call may be blocked for long (a segment held at the gate): wake it.
        if (calls_) calls_->interrupt();
    }
    wake_.notify_all();
    thread_.join();
}

std::future<void> ActorThread::run(std::function<void(Calls&)> job) {
    std::packaged_task<void(Calls&)> task(std::move(job));
    auto done = task.get_future();
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back(std::move(task));
    }
    wake_.notify_all();
    return done;
}

void ActorThread::loop(const Sandbox&) {
    Calls calls(actor_, queue_, call_timeout_seconds_);
    {
        std::lock_guard lock(mutex_);
        calls_ = &calls;
    }
    for (;;) {
        std::packaged_task<void(Calls&)> job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return quitting_ || !jobs_.empty(); });
            if (jobs_.empty()) {
                calls_ = nullptr;
                return;
            }
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        if (in_sandbox_) job(calls);  // a dropped job breaks its future's promise
    }
}

}  // namespace tcplab
