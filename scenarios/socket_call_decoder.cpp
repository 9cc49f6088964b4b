#include "socket_call_decoder.hpp"

#include <linux/close_range.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "socket_call_text.hpp"
#include "tracee_access.hpp"

namespace tcplab {
namespace {

int fd_argument(uint64_t value) { return static_cast<int>(static_cast<uint32_t>(value)); }

// Socket addresses are at most this long (sockaddr_storage).
constexpr size_t kMaxAddress = 128;
// How many entries of a poll or select set a call's text names.
constexpr size_t kMaxWatched = 8;
// How many pollfd or iovec entries are read at most.
constexpr size_t kMaxEntries = 1024;

std::string fd_text(int fd) { return "fd=" + std::to_string(fd); }

std::vector<uint8_t> address_at(pid_t tid, uint64_t address, uint64_t length) {
    return read_tracee_memory(tid, address, std::min<uint64_t>(length, kMaxAddress));
}

// An address whose length the kernel writes back through a pointer (accept,
// recvfrom): the length as it is now.
std::vector<uint8_t> returned_address(pid_t tid, uint64_t address, uint64_t length_pointer) {
    if (address == 0 || length_pointer == 0) return {};
    const auto length = read_tracee_struct<socklen_t>(tid, length_pointer);
    if (!length) return {};
    return address_at(tid, address, *length);
}

std::vector<iovec> iovecs_at(pid_t tid, uint64_t address, uint64_t count) {
    count = std::min<uint64_t>(count, kMaxEntries);
    const std::vector<uint8_t> bytes = read_tracee_memory(tid, address, count * sizeof(iovec));
    std::vector<iovec> vectors(bytes.size() / sizeof(iovec));
    if (!vectors.empty()) __builtin_memcpy(vectors.data(), bytes.data(), vectors.size() * sizeof(iovec));
    return vectors;
}

uint64_t total_length(const std::vector<iovec>& vectors) {
    uint64_t total = 0;
    for (const iovec& vector : vectors) total += vector.iov_len;
    return total;
}

// The first `limit` bytes the buffers hold, in order.
std::string gathered(pid_t tid, const std::vector<iovec>& vectors, uint64_t limit) {
    std::string bytes;
    for (const iovec& vector : vectors) {
        if (bytes.size() >= limit) break;
        const size_t wanted = std::min<uint64_t>(vector.iov_len, limit - bytes.size());
        const std::vector<uint8_t> part = read_tracee_memory(tid, reinterpret_cast<uint64_t>(vector.iov_base), wanted);
        bytes.append(part.begin(), part.end());
        if (part.size() < wanted) break;
    }
    return bytes;
}

std::string buffer_at(pid_t tid, uint64_t address, uint64_t length) {
    const std::vector<uint8_t> bytes = read_tracee_memory(tid, address, std::min<uint64_t>(length, kCallPreviewBytes));
    return std::string(bytes.begin(), bytes.end());
}

std::string shown(const std::string& preview, uint64_t total) {
    return quoted_bytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(preview.data()), preview.size()),
                        total);
}

std::string span_text(const std::vector<uint8_t>& bytes) { return sockaddr_text(bytes); }

std::string timeout_ms_text(int64_t milliseconds) {
    return milliseconds < 0 ? "no timeout" : std::to_string(milliseconds) + "ms";
}

// A struct timespec or timeval: its text, and whether it is zero (a poll that
// does not wait).
std::string time_text(pid_t tid, uint64_t address, bool microseconds, bool& zero) {
    zero = false;
    if (address == 0) return "no timeout";
    const auto value = read_tracee_struct<timespec>(tid, address);
    if (!value) return "?";
    const long fraction = value->tv_nsec;  // tv_usec for a timeval: the same place
    zero = value->tv_sec == 0 && fraction == 0;
    const double seconds = static_cast<double>(value->tv_sec) + fraction / (microseconds ? 1e6 : 1e9);
    char text[32];
    std::snprintf(text, sizeof text, "%.3gs", seconds);
    return text;
}

bool is_send(SocketSyscall kind) {
    return kind == SocketSyscall::SendTo || kind == SocketSyscall::SendMsg || kind == SocketSyscall::Write ||
           kind == SocketSyscall::Writev || kind == SocketSyscall::SendFile;
}

}  // namespace

TracedSocket SocketCallDecoder::socket_at(TracedProcess& process, int fd) {
    if (fd < 0) return {};
    auto known = process.descriptors.known.find(fd);
    if (known != process.descriptors.known.end()) return known->second;
    const DescriptorFacts facts = describe_tracee_descriptor(process.pidfd, fd);
    TracedSocket socket{facts.inet_socket, facts.family, facts.type, facts.local, facts.peer, facts.character_device};
    // A descriptor that is not open is not remembered: it may open later.
    if (facts.open) process.descriptors.known[fd] = socket;
    return socket;
}

bool SocketCallDecoder::begin(TracedProcess& process, pid_t tid, SocketSyscall kind,
                              const std::array<uint64_t, 6>& arguments, PendingCall& pending) {
    pending = PendingCall{};
    pending.kind = kind;
    pending.arguments = arguments;
    pending.entered_ns = realtime_now_ns();
    DescriptorTable& table = process.descriptors;
    const int fd = fd_argument(arguments[0]);
    pending.fd = fd;
    const auto on_socket = [&] {
        pending.socket = socket_at(process, fd);
        return pending.socket.inet;
    };
    switch (kind) {
        case SocketSyscall::Socket: {
            const int family = static_cast<int>(arguments[0]);
            if (family != AF_INET && family != AF_INET6) return false;
            pending.name = "socket";
            pending.text = family_name(family) + ", " + socket_type_text(static_cast<int>(arguments[1]));
            if (arguments[2] != 0) pending.text += ", " + protocol_name(static_cast<int>(arguments[2]));
            return true;
        }
        case SocketSyscall::Bind:
        case SocketSyscall::Connect:
            if (!on_socket()) return false;
            pending.name = kind == SocketSyscall::Bind ? "bind" : "connect";
            pending.text = fd_text(fd) + ", " + span_text(address_at(tid, arguments[1], arguments[2]));
            return true;
        case SocketSyscall::Listen:
            if (!on_socket()) return false;
            pending.name = "listen";
            pending.text = fd_text(fd) + ", backlog=" + std::to_string(static_cast<int>(arguments[1]));
            return true;
        case SocketSyscall::Accept:
        case SocketSyscall::Accept4:
            if (!on_socket()) return false;
            pending.name = "accept";
            pending.text = fd_text(fd);
            if (kind == SocketSyscall::Accept4 && arguments[3] != 0)
                pending.text += ", " + accept_flags_text(static_cast<int>(arguments[3]));
            return true;
        case SocketSyscall::SendTo:
        case SocketSyscall::RecvFrom:
        case SocketSyscall::SendMsg:
        case SocketSyscall::RecvMsg:
        case SocketSyscall::SendMmsg:
        case SocketSyscall::RecvMmsg:
        case SocketSyscall::Read:
        case SocketSyscall::Write:
        case SocketSyscall::Readv:
        case SocketSyscall::Writev:
        case SocketSyscall::SendFile:
            if (!on_socket()) return false;
            pending.name = syscall_name(kind);
            // send() and recv() are sendto() and recvfrom() without an address:
            // named as the program wrote them.
            if (kind == SocketSyscall::SendTo && arguments[4] == 0) pending.name = "send";
            if (kind == SocketSyscall::RecvFrom && arguments[4] == 0) pending.name = "recv";
            pending.text = fd_text(fd);
            if (kind == SocketSyscall::SendFile)
                pending.text +=
                    ", from fd=" + std::to_string(fd_argument(arguments[1])) + ", " + std::to_string(arguments[3]);
            return true;
        case SocketSyscall::Shutdown:
            if (!on_socket()) return false;
            pending.name = "shutdown";
            pending.text = fd_text(fd) + ", " + shutdown_how_name(static_cast<int>(arguments[1]));
            return true;
        case SocketSyscall::SetSockOpt: {
            if (!on_socket()) return false;
            pending.name = "setsockopt";
            const int level = static_cast<int>(arguments[1]);
            const int option = static_cast<int>(arguments[2]);
            const std::vector<uint8_t> value =
                read_tracee_memory(tid, arguments[3], std::min<uint64_t>(arguments[4], 64));
            pending.text = fd_text(fd) + ", " + socket_option_name(level, option) + "=" +
                           socket_option_value_text(level, option, value);
            return true;
        }
        case SocketSyscall::GetSockOpt:
            if (!on_socket()) return false;
            pending.name = "getsockopt";
            pending.text =
                fd_text(fd) + ", " + socket_option_name(static_cast<int>(arguments[1]), static_cast<int>(arguments[2]));
            return true;
        case SocketSyscall::Close: {
            auto known = table.known.find(fd);
            const TracedSocket socket = known != table.known.end() ? known->second : socket_at(process, fd);
            // The descriptor is gone whatever close() returns (Linux frees it even on EINTR).
            table.known.erase(fd);
            table.epoll_sockets.erase(fd);
            for (auto& [epoll_fd, registered] : table.epoll_sockets)
                std::erase_if(registered, [fd](const auto& entry) { return entry.second == fd; });
            if (!socket.inet) return false;
            pending.socket = socket;
            pending.name = "close";
            pending.text = fd_text(fd);
            return true;
        }
        case SocketSyscall::CloseRange: {
            const unsigned first = static_cast<unsigned>(arguments[0]);
            const unsigned last = static_cast<unsigned>(arguments[1]);
            // With CLOSE_RANGE_CLOEXEC nothing closes now; exec() forgets the table anyway.
            if (arguments[2] & CLOSE_RANGE_CLOEXEC) return false;
            for (auto entry = table.known.begin(); entry != table.known.end();) {
                const unsigned number = static_cast<unsigned>(entry->first);
                if (number >= first && number <= last) {
                    if (entry->second.inet) pending.sockets.push_back(entry->first);
                    entry = table.known.erase(entry);
                } else {
                    ++entry;
                }
            }
            std::sort(pending.sockets.begin(), pending.sockets.end());
            pending.name = "close";
            return !pending.sockets.empty();
        }
        case SocketSyscall::Dup2:
        case SocketSyscall::Dup3: {
            const int target = fd_argument(arguments[1]);
            if (target == fd) return false;  // dup2(fd, fd) changes nothing
            table.known.erase(target);
            // The copy is a socket when the original is: learn it on return.
            pending.socket = socket_at(process, fd);
            return pending.socket.inet;
        }
        case SocketSyscall::EpollCtl: {
            const int socket_fd = fd_argument(arguments[2]);
            const int operation = static_cast<int>(arguments[1]);
            auto& registered = table.epoll_sockets[fd];
            std::erase_if(registered, [socket_fd](const auto& entry) { return entry.second == socket_fd; });
            if (operation != EPOLL_CTL_DEL && socket_at(process, socket_fd).inet)
                if (const auto event = read_tracee_struct<epoll_event>(tid, arguments[3]))
                    registered[event->data.u64] = socket_fd;
            return false;
        }
        case SocketSyscall::Select:
        case SocketSyscall::PSelect6:
        case SocketSyscall::Poll:
        case SocketSyscall::PPoll:
        case SocketSyscall::EpollWait:
        case SocketSyscall::EpollPWait:
        case SocketSyscall::EpollPWait2:
            return begin_wait(process, tid, pending);
        case SocketSyscall::RestartSyscall:
            return false;  // the tracer continues the interrupted call itself
    }
    return false;
}

std::optional<uint64_t> SocketCallDecoder::output_write(TracedProcess& process, pid_t tid, SocketSyscall kind,
                                                        const std::array<uint64_t, 6>& arguments) {
    if (process.output_terminal == 0 || (kind != SocketSyscall::Write && kind != SocketSyscall::Writev)) return {};
    if (socket_at(process, fd_argument(arguments[0])).character_device != process.output_terminal) return {};
    if (kind == SocketSyscall::Write) return arguments[2];
    return total_length(iovecs_at(tid, arguments[1], arguments[2]));
}

bool SocketCallDecoder::begin_wait(TracedProcess& process, pid_t tid, PendingCall& pending) {
    const auto& arguments = pending.arguments;
    switch (pending.kind) {
        case SocketSyscall::Poll:
        case SocketSyscall::PPoll: {
            pending.name = syscall_name(pending.kind);
            const uint64_t count = std::min<uint64_t>(arguments[1], kMaxEntries);
            const std::vector<uint8_t> bytes = read_tracee_memory(tid, arguments[0], count * sizeof(pollfd));
            std::vector<pollfd> entries(bytes.size() / sizeof(pollfd));
            if (!entries.empty()) __builtin_memcpy(entries.data(), bytes.data(), entries.size() * sizeof(pollfd));
            std::string watched;
            size_t listed = 0;
            for (const pollfd& entry : entries) {
                if (entry.fd < 0) continue;
                if (socket_at(process, entry.fd).inet) pending.sockets.push_back(entry.fd);
                if (listed++ < kMaxWatched)
                    watched += (watched.empty() ? "" : ", ") + fd_text(entry.fd) + " " + poll_events_text(entry.events);
            }
            if (pending.sockets.empty()) return false;
            if (listed > kMaxWatched) watched += ", …";
            bool zero = false;
            const std::string timeout = pending.kind == SocketSyscall::Poll
                                            ? timeout_ms_text(static_cast<int>(arguments[2]))
                                            : time_text(tid, arguments[2], false, zero);
            if (pending.kind == SocketSyscall::Poll) zero = static_cast<int>(arguments[2]) == 0;
            pending.skip_if_nothing_ready = zero;
            pending.text = "[" + watched + "], " + timeout;
            return true;
        }
        case SocketSyscall::Select:
        case SocketSyscall::PSelect6: {
            pending.name = syscall_name(pending.kind);
            const int count = std::clamp(static_cast<int>(arguments[0]), 0, FD_SETSIZE);
            std::string sets;
            static const char* kSetNames[3] = {"read", "write", "except"};
            for (int set = 0; set < 3; ++set) {
                const uint64_t address = arguments[1 + set];
                if (address == 0) continue;
                const std::vector<uint8_t> bits = read_tracee_memory(tid, address, (count + 7) / 8);
                std::string members;
                for (int fd = 0; fd < static_cast<int>(bits.size()) * 8 && fd < count; ++fd) {
                    if (!(bits[fd / 8] & (1u << (fd % 8)))) continue;
                    if (socket_at(process, fd).inet) pending.sockets.push_back(fd);
                    members += (members.empty() ? "" : ",") + std::to_string(fd);
                }
                sets += std::string(sets.empty() ? "" : ", ") + kSetNames[set] + "=[" + members + "]";
            }
            if (pending.sockets.empty()) return false;
            bool zero = false;
            const std::string timeout = time_text(tid, arguments[4], pending.kind == SocketSyscall::Select, zero);
            pending.skip_if_nothing_ready = zero;
            pending.text = sets + ", " + timeout;
            return true;
        }
        default: {
            pending.name = pending.kind == SocketSyscall::EpollWait    ? "epoll_wait"
                           : pending.kind == SocketSyscall::EpollPWait ? "epoll_pwait"
                                                                       : "epoll_pwait2";
            const auto registered = process.descriptors.epoll_sockets.find(pending.fd);
            if (registered == process.descriptors.epoll_sockets.end() || registered->second.empty()) return false;
            bool zero = false;
            std::string timeout;
            if (pending.kind == SocketSyscall::EpollPWait2) {
                timeout = time_text(tid, arguments[3], false, zero);
            } else {
                timeout = timeout_ms_text(static_cast<int>(arguments[3]));
                zero = static_cast<int>(arguments[3]) == 0;
            }
            pending.skip_if_nothing_ready = zero;
            pending.text = "epfd=" + std::to_string(pending.fd) + ", " + timeout;
            return true;
        }
    }
}

std::string SocketCallDecoder::end_wait(TracedProcess& process, pid_t tid, PendingCall& pending, int64_t result) {
    if (result <= 0) return {};
    const auto& arguments = pending.arguments;
    std::string ready;
    size_t listed = 0;
    const auto add = [&](const std::string& entry) {
        if (listed++ < kMaxWatched) ready += (ready.empty() ? "" : ", ") + entry;
    };
    switch (pending.kind) {
        case SocketSyscall::Poll:
        case SocketSyscall::PPoll: {
            const uint64_t count = std::min<uint64_t>(arguments[1], kMaxEntries);
            const std::vector<uint8_t> bytes = read_tracee_memory(tid, arguments[0], count * sizeof(pollfd));
            for (size_t offset = 0; offset + sizeof(pollfd) <= bytes.size(); offset += sizeof(pollfd)) {
                pollfd entry{};
                __builtin_memcpy(&entry, bytes.data() + offset, sizeof entry);
                if (entry.fd >= 0 && entry.revents != 0) add(fd_text(entry.fd) + " " + poll_events_text(entry.revents));
            }
            break;
        }
        case SocketSyscall::Select:
        case SocketSyscall::PSelect6: {
            const int count = std::clamp(static_cast<int>(arguments[0]), 0, FD_SETSIZE);
            static const char* kSetNames[3] = {"read", "write", "except"};
            for (int set = 0; set < 3; ++set) {
                const std::vector<uint8_t> bits = read_tracee_memory(tid, arguments[1 + set], (count + 7) / 8);
                for (int fd = 0; fd < static_cast<int>(bits.size()) * 8 && fd < count; ++fd)
                    if (bits[fd / 8] & (1u << (fd % 8))) add(std::string(kSetNames[set]) + " " + fd_text(fd));
            }
            break;
        }
        default: {
            const uint64_t count = std::min<uint64_t>(static_cast<uint64_t>(result), kMaxEntries);
            const std::vector<uint8_t> bytes = read_tracee_memory(tid, arguments[1], count * sizeof(epoll_event));
            const auto registered = process.descriptors.epoll_sockets.find(pending.fd);
            for (size_t offset = 0; offset + sizeof(epoll_event) <= bytes.size(); offset += sizeof(epoll_event)) {
                epoll_event event{};
                __builtin_memcpy(&event, bytes.data() + offset, sizeof event);
                const uint64_t data = event.data.u64;
                std::string which = "?";
                if (registered != process.descriptors.epoll_sockets.end()) {
                    const auto socket = registered->second.find(data);
                    if (socket != registered->second.end()) which = fd_text(socket->second);
                }
                add(which + " " + epoll_events_text(event.events));
            }
            break;
        }
    }
    if (listed > kMaxWatched) ready += ", …";
    return " → " + ready;
}

std::vector<CallEvent> SocketCallDecoder::end(TracedProcess& process, pid_t tid, PendingCall& pending,
                                              int64_t return_value) {
    std::vector<CallEvent> events;
    DescriptorTable& table = process.descriptors;
    const auto& arguments = pending.arguments;
    const bool failed = return_value < 0;
    const int64_t result = failed ? -1 : return_value;

    // Calls that only keep the table right.
    if (pending.kind == SocketSyscall::Dup2 || pending.kind == SocketSyscall::Dup3) {
        if (!failed) table.known[static_cast<int>(return_value)] = pending.socket;
        return events;
    }
    if (pending.skip_if_nothing_ready && return_value == 0) return events;

    CallEvent event;
    event.time_ns = pending.entered_ns;
    event.return_ns = realtime_now_ns();
    event.actor = process.host;
    event.call = pending.name;
    event.arguments = pending.text;
    event.result = result;
    event.error_number = failed ? static_cast<int>(-return_value) : 0;
    event.process = process.pid;
    event.thread = tid;
    event.program = process.program;
    event.local = pending.socket.local;

    const auto refresh = [&](int fd) -> TracedSocket& {
        const DescriptorFacts facts = describe_tracee_descriptor(process.pidfd, fd);
        TracedSocket& socket = table.known[fd];
        socket =
            TracedSocket{facts.inet_socket, facts.family, facts.type, facts.local, facts.peer, facts.character_device};
        return socket;
    };
    // Bytes a call moved: what it asked for, and what the kernel took or gave.
    const auto moved = [&](uint64_t asked, const std::string& preview) {
        event.data = failed ? std::string() : preview.substr(0, std::min<uint64_t>(preview.size(), return_value));
        if (is_send(pending.kind)) {
            event.arguments += ", " + shown(preview, asked) + ", " + std::to_string(asked);
            if (!failed && static_cast<uint64_t>(return_value) < asked)
                event.arguments +=
                    " (partial: " + std::to_string(return_value) + " of " + std::to_string(asked) + " bytes sent)";
        } else {
            event.arguments += ", " + std::to_string(asked);
        }
    };

    switch (pending.kind) {
        case SocketSyscall::Socket:
            if (!failed) {
                TracedSocket socket;
                socket.inet = true;
                socket.family = static_cast<int>(arguments[0]);
                socket.type = static_cast<int>(arguments[1]) & 0xf;
                table.known[static_cast<int>(return_value)] = socket;
            }
            break;
        case SocketSyscall::Bind:
        case SocketSyscall::Connect:
        case SocketSyscall::Listen:
            // The local address is the kernel's now (connect() chose a port).
            event.local = refresh(pending.fd).local;
            break;
        case SocketSyscall::Accept:
        case SocketSyscall::Accept4:
            if (!failed) {
                const TracedSocket& accepted = refresh(static_cast<int>(return_value));
                event.local = accepted.local;
                event.arguments += " → peer " + accepted.peer.to_string();
            }
            break;
        case SocketSyscall::SendTo: {
            const uint64_t length = arguments[2];
            moved(length, buffer_at(tid, arguments[1], length));
            if (arguments[3] != 0) event.arguments += ", " + message_flags_text(static_cast<int>(arguments[3]));
            if (arguments[4] != 0) event.arguments += ", " + span_text(address_at(tid, arguments[4], arguments[5]));
            break;
        }
        case SocketSyscall::RecvFrom: {
            const uint64_t length = arguments[2];
            moved(length, failed ? std::string() : buffer_at(tid, arguments[1], static_cast<uint64_t>(return_value)));
            if (arguments[3] != 0) event.arguments += ", " + message_flags_text(static_cast<int>(arguments[3]));
            if (!failed && arguments[4] != 0)
                event.arguments += " ← " + span_text(returned_address(tid, arguments[4], arguments[5]));
            if (!failed && static_cast<uint64_t>(return_value) > length)
                event.arguments +=
                    " (truncated: " + std::to_string(length) + " of " + std::to_string(return_value) + " bytes)";
            break;
        }
        case SocketSyscall::Read:
        case SocketSyscall::Write: {
            const uint64_t length = arguments[2];
            const uint64_t readable = pending.kind == SocketSyscall::Write ? length
                                      : failed                             ? 0
                                                                           : static_cast<uint64_t>(return_value);
            moved(length, buffer_at(tid, arguments[1], readable));
            break;
        }
        case SocketSyscall::Readv:
        case SocketSyscall::Writev: {
            const std::vector<iovec> vectors = iovecs_at(tid, arguments[1], arguments[2]);
            const uint64_t length = total_length(vectors);
            const uint64_t readable = pending.kind == SocketSyscall::Writev ? length
                                      : failed                              ? 0
                                                                            : static_cast<uint64_t>(return_value);
            moved(length, gathered(tid, vectors, std::min<uint64_t>(readable, kCallPreviewBytes)));
            break;
        }
        case SocketSyscall::SendMsg:
        case SocketSyscall::RecvMsg: {
            const auto header = read_tracee_struct<msghdr>(tid, arguments[1]);
            if (!header) break;
            const std::vector<iovec> vectors =
                iovecs_at(tid, reinterpret_cast<uint64_t>(header->msg_iov), header->msg_iovlen);
            const uint64_t length = total_length(vectors);
            const bool sending = pending.kind == SocketSyscall::SendMsg;
            const uint64_t readable = sending ? length : failed ? 0 : static_cast<uint64_t>(return_value);
            moved(length, gathered(tid, vectors, std::min<uint64_t>(readable, kCallPreviewBytes)));
            if (arguments[2] != 0) event.arguments += ", " + message_flags_text(static_cast<int>(arguments[2]));
            const uint64_t name = reinterpret_cast<uint64_t>(header->msg_name);
            if (name != 0 && (sending || !failed)) {
                const std::string address = span_text(address_at(tid, name, header->msg_namelen));
                event.arguments += (sending ? ", " : " ← ") + address;
            }
            break;
        }
        case SocketSyscall::SendMmsg:
        case SocketSyscall::RecvMmsg:
            event.arguments += ", " + std::to_string(static_cast<unsigned>(arguments[2])) + " messages";
            break;
        case SocketSyscall::SendFile:
            break;
        case SocketSyscall::GetSockOpt:
            if (!failed) {
                const auto length = read_tracee_struct<socklen_t>(tid, arguments[4]);
                const std::vector<uint8_t> value =
                    read_tracee_memory(tid, arguments[3], std::min<socklen_t>(length.value_or(0), 64));
                event.arguments += " → " + socket_option_value_text(static_cast<int>(arguments[1]),
                                                                    static_cast<int>(arguments[2]), value);
            }
            break;
        case SocketSyscall::Close:
            break;
        case SocketSyscall::CloseRange:
            // One close per socket, as the program would have written them.
            for (int fd : pending.sockets) {
                CallEvent closed = event;
                closed.arguments = fd_text(fd) + " (close_range)";
                events.push_back(std::move(closed));
            }
            process.made_socket_calls = true;
            return events;
        case SocketSyscall::Select:
        case SocketSyscall::PSelect6:
        case SocketSyscall::Poll:
        case SocketSyscall::PPoll:
        case SocketSyscall::EpollWait:
        case SocketSyscall::EpollPWait:
        case SocketSyscall::EpollPWait2:
            event.arguments += end_wait(process, tid, pending, return_value);
            break;
        case SocketSyscall::Shutdown:
        case SocketSyscall::SetSockOpt:
        case SocketSyscall::Dup2:
        case SocketSyscall::Dup3:
        case SocketSyscall::EpollCtl:
        case SocketSyscall::RestartSyscall:
            break;
    }
    // A socket bound by its first sendto() (UDP) or connect() has a port now.
    if (event.local.port == 0 && pending.socket.inet && !failed && pending.kind != SocketSyscall::Close &&
        pending.kind != SocketSyscall::Socket && pending.fd >= 0)
        event.local = refresh(pending.fd).local;
    process.made_socket_calls = true;
    events.push_back(std::move(event));
    return events;
}

CallEvent SocketCallDecoder::unfinished(const TracedProcess& process, pid_t tid, const PendingCall& pending,
                                        int64_t now_ns) const {
    CallEvent event;
    event.time_ns = pending.entered_ns;
    event.return_ns = now_ns;
    event.actor = process.host;
    event.call = pending.name;
    event.arguments = pending.text;
    event.result = -1;  // with no errno: never_returned() (the views say so)
    event.error_number = 0;
    event.process = process.pid;
    event.thread = tid;
    event.program = process.program;
    event.local = pending.socket.local;
    return event;
}

CallEvent SocketCallDecoder::interrupted(const TracedProcess& process, pid_t tid, const PendingCall& pending,
                                         int64_t now_ns) const {
    CallEvent event = unfinished(process, tid, pending, now_ns);
    event.arguments = pending.text + " (interrupted by a signal)";
    event.error_number = EINTR;
    return event;
}

}  // namespace tcplab
