// Many connections at once, for the lesson on the listen backlog and
// concurrency: clients that connect together, a crowd of client threads, and
// a server whose accept loop hands each connection to a worker thread.
// Threads started here inherit the starting thread's network namespace, so
// they are inside the sandbox like the actor that starts them.
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <thread>

#include "actor.hpp"
#include "sockaddr.hpp"

namespace tcplab {
namespace {

void set_blocking(int fd, bool blocking) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0) return;
    ::fcntl(fd, F_SETFL, blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK);
}

}  // namespace

long Calls::connect_together(const std::vector<std::string>& names, const Endpoint& address, int wait_ms) {
    struct Pending {
        std::string name;
        int fd;
        int64_t started_ns;
        std::string arguments;
        bool done = false;
    };
    std::vector<Pending> pending;
    for (const std::string& name : names)
        if (socket(name) >= 0) pending.push_back({name, fd(name), 0, describe(name) + ", " + address.to_string()});

    sockaddr_storage storage{};
    const socklen_t length = to_sockaddr(address, storage);
    long connected = 0;
    // Every SYN leaves before any handshake can complete: that is what "at once" means here.
    for (Pending& one : pending) {
        set_blocking(one.fd, false);
        one.started_ns = realtime_now_ns();
        const int result = ::connect(one.fd, reinterpret_cast<sockaddr*>(&storage), length);
        if (result == 0 || errno != EINPROGRESS) {
            const int error = result == 0 ? 0 : errno;
            const bool ok = result == 0;
            one.done = true;
            connected += ok;
            set_blocking(one.fd, true);
            record(one.started_ns, "connect", one.arguments, ok ? 0 : -1, error, {}, local_endpoint(one.name));
        }
    }
    if (wait_ms < 0) wait_ms = timeout_seconds_ * 1000;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    for (;;) {
        std::vector<pollfd> waiting;
        for (const Pending& one : pending)
            if (!one.done) waiting.push_back({one.fd, POLLOUT, 0});
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(give_up - std::chrono::steady_clock::now());
        if (waiting.empty() || left.count() <= 0) break;
        if (::poll(waiting.data(), waiting.size(), static_cast<int>(left.count())) < 0 && errno != EINTR) break;
        for (const pollfd& ready : waiting) {
            if (!ready.revents) continue;
            for (Pending& one : pending) {
                if (one.fd != ready.fd) continue;
                int error = 0;
                socklen_t size = sizeof error;
                ::getsockopt(one.fd, SOL_SOCKET, SO_ERROR, &error, &size);
                one.done = true;
                connected += error == 0;
                set_blocking(one.fd, true);
                record(one.started_ns, "connect", one.arguments, error == 0 ? 0 : -1, error, {},
                       local_endpoint(one.name));
            }
        }
    }
    // What a blocking connect() whose timeout ran out returns; the handshake goes on.
    for (Pending& one : pending)
        if (!one.done) {
            set_blocking(one.fd, true);
            record(one.started_ns, "connect", one.arguments, -1, EINPROGRESS, {}, local_endpoint(one.name));
        }
    return connected;
}

long Calls::serve_with_workers(const std::string& listener, int requests, int work_ms) {
    std::atomic<int> answered{0};
    std::vector<std::thread> workers;
    int accepted = 0;
    // Like a blocking accept() on the lesson's sockets, the loop gives up when
    // nothing happens for the call timeout (clients that never come).
    const auto patience = std::chrono::seconds(timeout_seconds_);
    auto last_progress = std::chrono::steady_clock::now();
    int answered_before = 0;
    while (answered.load() < requests) {
        if (answered.load() != answered_before) {
            answered_before = answered.load();
            last_progress = std::chrono::steady_clock::now();
        }
        if (std::chrono::steady_clock::now() - last_progress > patience) break;
        // Poll first, so that the loop sees the last answer instead of blocking in accept().
        pollfd ready{fd(listener), POLLIN, 0};
        const int polled = ::poll(&ready, 1, 50);
        if (polled < 0 && errno != EINTR) break;
        if (polled <= 0) continue;
        last_progress = std::chrono::steady_clock::now();
        const std::string name = "worker" + std::to_string(++accepted);
        if (accept(listener, name) < 0) break;
        const int connection = release(name);
        workers.emplace_back([this, name, connection, work_ms, &answered] {
            Calls worker(actor_, queue_, timeout_seconds_, queue_mutex_);
            worker.adopt(name, connection);
            if (worker.recv(name, 1024) > 0) {
                const std::string request = worker.last_received();
                std::this_thread::sleep_for(std::chrono::milliseconds(work_ms));
                if (worker.send(name, request) > 0) answered.fetch_add(1);
            }
            worker.close(name);
        });
    }
    for (std::thread& worker : workers) worker.join();
    return answered.load();
}

long Calls::crowd(int count, const Endpoint& address, const std::string& request, int every_ms) {
    std::atomic<int> served{0};
    std::vector<std::thread> clients;
    for (int index = 1; index <= count; ++index) {
        clients.emplace_back([this, index, address, request, &served] {
            Calls client(actor_, queue_, timeout_seconds_, queue_mutex_);
            const std::string name = "crowd" + std::to_string(index);
            if (client.socket(name) < 0) return;
            if (client.connect(name, address) == 0 && client.send(name, request) > 0 && client.recv(name, 1024) > 0 &&
                client.last_received() == request)
                served.fetch_add(1);
            client.close(name);
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(every_ms));
    }
    for (std::thread& client : clients) client.join();
    return served.load();
}

}  // namespace tcplab
