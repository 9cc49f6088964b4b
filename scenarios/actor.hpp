#pragma once
// An actor (client, server, attacker) is a thread inside the sandbox that makes
// real socket calls, one job at a time, and reports each call with its result
// or errno as a CallEvent. Sockets are known by the names the lesson gives them.
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "capture/event_queue.hpp"
#include "capture/events.hpp"
#include "sandbox.hpp"

namespace tcplab {

class Calls {
public:
    // A blocking call that never returns would hang a lesson, so every socket
    // gives up after `timeout_seconds` (longer when a student holds segments).
    // The queue has one producer: Calls that share it (a server's worker
    // threads, a crowd of clients) share `queue_mutex` too.
    Calls(Actor actor, EventQueue<CallEvent>& queue, int timeout_seconds = 5,
          std::shared_ptr<std::mutex> queue_mutex = std::make_shared<std::mutex>())
        : actor_(actor), queue_(queue), timeout_seconds_(timeout_seconds), queue_mutex_(std::move(queue_mutex)) {}
    ~Calls();  // closes any socket the lesson left open
    Calls(const Calls&) = delete;
    Calls& operator=(const Calls&) = delete;

    int socket(const std::string& name, int type = 1 /* SOCK_STREAM */, int family = 2 /* AF_INET */);
    int bind(const std::string& name, const Endpoint& address);
    int listen(const std::string& name, int backlog);
    int connect(const std::string& name, const Endpoint& address);
    int accept(const std::string& listener, const std::string& new_name);
    long send(const std::string& name, const std::string& data);
    // Flow control: send() with MSG_DONTWAIT takes what fits in the send
    // buffer now and returns that count (a short count), or -1 EAGAIN when
    // nothing fits. sendall() is Python's socket.sendall(): send() again and
    // again until every byte is in the kernel, waiting while the buffer is
    // full; one CallEvent, its result the bytes sent (or the error).
    long send_nowait(const std::string& name, char fill, size_t count);
    long sendall(const std::string& name, char fill, size_t count);
    long recv(const std::string& name, size_t max_bytes);
    // TCP's urgent data: send() with MSG_OOB marks the last byte urgent (the
    // segment carries URG and the urgent pointer); recv() with MSG_OOB reads
    // that byte alone, out of the stream's order.
    long send_urgent(const std::string& name, const std::string& data);
    long recv_urgent(const std::string& name, size_t max_bytes);
    int shutdown(const std::string& name, int how);
    int close(const std::string& name);
    int setsockopt(const std::string& name, int level, int option, int value, const std::string& option_name);
    int set_linger(const std::string& name, bool on, int seconds);

    // UDP. recvfrom() passes MSG_TRUNC, so it returns the datagram's real length
    // even when only `max_bytes` of it were copied; last_received() holds the
    // copied bytes and the CallEvent says "truncated: 11 of 15 bytes".
    long sendto(const std::string& name, const std::string& data, const Endpoint& to);
    long recvfrom(const std::string& name, size_t max_bytes);

    // One send() of `count` copies of `fill` (a large write the kernel splits
    // into segments). The CallEvent keeps a short preview, not all the bytes.
    long send_repeated(const std::string& name, char fill, size_t count);
    // recv() of at most `max_each` bytes, again and again, until `total` bytes
    // arrived or a recv() returns 0 or fails; every recv() is its own CallEvent.
    // Returns the bytes read (last_received() holds them), or the first
    // recv()'s error when nothing was read.
    long recv_until(const std::string& name, size_t total, size_t max_each);

    // The fixes for sticky packets. send_framed(): a 4-byte length in network
    // byte order (big-endian, Python's struct.pack('!I', n)) and the payload, in
    // one send(). recv_framed(): reads the 4 bytes, then exactly that many
    // (several recv() calls when needed); returns the payload's length, or -1.
    long send_framed(const std::string& name, const std::string& payload);
    long recv_framed(const std::string& name, size_t max_each = 1024);
    // The tutorials' file transfer: a 4-byte length of a JSON header, the header
    // {"file_name": ..., "file_size": n, "md5": hex}, then the body, as three
    // send() calls. recv_with_json_header() reads exactly file_size bytes of
    // body, computes their MD5 and compares it with the header's: that check
    // is an event of its own ("md5", 0 when they match, -1 EBADMSG when not).
    // It returns the body's length (last_received()) and keeps the header's
    // text (last_header()), or -1.
    long send_with_json_header(const std::string& name, const std::string& body, const std::string& file_name);
    long recv_with_json_header(const std::string& name, size_t max_each = 1024);

    // Many connections at once (scenarios/crowd.cpp). connect_together():
    // socket() and a non-blocking connect() for each name, all before any
    // handshake completes; each connect's CallEvent ends when its handshake
    // did (0 or the error), and one still going after `wait_ms` is recorded
    // as a blocking connect() that gave up: -1 EINPROGRESS. Returns how many
    // connected.
    long connect_together(const std::vector<std::string>& names, const Endpoint& address, int wait_ms);
    // A server that accepts in a loop and hands each connection to a worker
    // thread: recv() a request, `work_ms` of work, send() it back, close().
    // Returns after `requests` requests were answered (a connection that
    // closes without one is closed and not counted), after an accept()
    // fails, or when nothing came for the call timeout.
    long serve_with_workers(const std::string& listener, int requests, int work_ms);
    // `count` clients, each a thread of its own started `every_ms` after the
    // one before: socket(), connect(), send(request), recv() the answer, close().
    // Returns how many got their request back.
    long crowd(int count, const Endpoint& address, const std::string& request, int every_ms);

    // A socket moves between Calls (the accept loop hands it to a worker).
    int release(const std::string& name);
    void adopt(const std::string& name, int fd);
    // The actor's process dies (kill -9): the kernel closes every socket it
    // held, each as close() would (a FIN, or an RST when unread data is left),
    // all at once. One "kill" event names the sockets; returns how many.
    int kill();
    // getsockopt(TCP_INFO): the kernel's view of the connection now (cwnd,
    // ssthresh, smoothed RTT, RTO, retransmissions), kept as the event's data
    // (tcp_info_reading.hpp). Returns getsockopt()'s result.
    int tcp_info(const std::string& name);
    // setsockopt(TCP_CONGESTION): this socket's congestion control ("reno").
    int set_congestion_control(const std::string& name, const std::string& algorithm);

    // From another thread: wakes any call blocked on this actor's sockets.
    void interrupt();

    Endpoint local_endpoint(const std::string& name) const;
    int fd(const std::string& name) const;
    // What the last recv() returned as bytes.
    const std::string& last_received() const { return last_received_; }
    // The JSON header the last recv_with_json_header() read.
    const std::string& last_header() const { return last_header_; }

private:
    struct Started {
        int64_t time_ns;
        int saved_errno;
    };
    void record(int64_t started_ns, const std::string& call, const std::string& arguments, long result, int error,
                std::string data = {}, Endpoint local = {});
    std::string describe(const std::string& name) const;  // "fd=4"
    // One send() of `bytes`, recorded with `shown` as its argument text and `data`.
    long send_bytes(const std::string& name, const std::string& bytes, const std::string& shown, std::string data);
    // One recv() of at most `max_bytes`, recorded, its bytes appended to `into`.
    long recv_into(const std::string& name, size_t max_bytes, std::string& into);
    // recv() until `into` holds `count` more bytes; false on error or end of stream.
    bool recv_exactly(const std::string& name, size_t count, size_t max_each, std::string& into);

    Actor actor_;
    EventQueue<CallEvent>& queue_;
    int timeout_seconds_;
    std::shared_ptr<std::mutex> queue_mutex_;
    mutable std::mutex sockets_mutex_;  // interrupt() reads the sockets from another thread
    std::map<std::string, int> sockets_;
    std::string last_received_;
    std::string last_header_;
};

class ActorThread {
public:
    // Starts the thread and moves it into the sandbox.
    ActorThread(Actor actor, const Sandbox& sandbox, int call_timeout_seconds = 5, size_t queue_capacity = 4096);
    ~ActorThread();
    ActorThread(const ActorThread&) = delete;
    ActorThread& operator=(const ActorThread&) = delete;

    Actor actor() const { return actor_; }
    bool in_sandbox() const { return in_sandbox_; }
    EventQueue<CallEvent>& calls() { return queue_; }

    // Runs `job` on the actor's thread; the future is ready when it returns.
    std::future<void> run(std::function<void(Calls&)> job);

private:
    void loop(const Sandbox& sandbox);

    Actor actor_;
    int call_timeout_seconds_;
    EventQueue<CallEvent> queue_;
    std::mutex mutex_;  // guards jobs_; jobs arrive once per step, not on a hot path
    std::condition_variable wake_;
    std::deque<std::packaged_task<void(Calls&)>> jobs_;
    bool quitting_ = false;
    Calls* calls_ = nullptr;  // the actor thread's Calls, while it runs (under mutex_)
    bool in_sandbox_ = false;
    std::thread thread_;
};

}  // namespace tcplab
