#pragma once
// The sockets view's rows as plain data, like `ss -tan -o` run in the sandbox:
// from the latest socket dump of a live run, or rebuilt as of the cursor from
// the socket-dump state events a trace keeps (they carry queues and timers).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/kernel_counters.hpp"
#include "capture/sock_diag.hpp"
#include "capture/trace.hpp"

namespace tcplab {

struct SocketRow {
    TcpState state = TcpState::Closed;
    uint32_t receive_queue = 0;
    uint32_t send_queue = 0;
    Endpoint local;
    Endpoint remote;
    SocketTimer timer = SocketTimer::None;
    uint32_t timer_expires_ms = 0;  // time left on the timer when the row was dumped
    uint8_t retransmits = 0;
    int64_t dumped_ns = 0;  // when the kernel reported the row
    Actor actor = Actor::None;
};

// Rows from one dump taken at `dumped_ns`; the trace names whose socket each is.
std::vector<SocketRow> socket_rows_from_dump(const std::vector<SocketInfo>& sockets, int64_t dumped_ns,
                                             const Trace& trace);

// The sockets as the dumps showed them at `cursor_ns` (0: at the end of the
// trace), replayed from the trace's socket-dump state events.
std::vector<SocketRow> socket_rows_as_of(const Trace& trace, int64_t cursor_ns);

// Time left on a row's timer at `now_ns`, counting down from when it was dumped; never below zero.
uint32_t timer_left_ms(const SocketRow& row, int64_t now_ns);

// ss's text for a duration: "58sec", "200ms", "1.500ms", "1min30sec" (ss's own odd format).
std::string ss_duration(uint32_t milliseconds);

// ss's timer column: "timer:(timewait,58sec,0)", "timer:(on,200ms,0)"; "" when no timer runs.
std::string timer_text(SocketTimer timer, uint32_t left_ms, uint8_t retransmits);

enum class SocketColumn { State, ReceiveQueue, SendQueue, Local, Peer, Timer, Owner };

// The row order for a column: stable, ties broken by local then peer address.
std::vector<size_t> sorted_socket_order(const std::vector<SocketRow>& rows, SocketColumn column, bool ascending);

// The kernel counters the lessons care about, in the order shown: the listener's
// queues and SYN cookies first (what a SYN flood moves), then the Tcp totals.
struct CounterRow {
    std::string name;         // as nstat names it: "ListenOverflows", "ActiveOpens"
    std::string key;          // in KernelCounters: "TcpExt.ListenOverflows"
    std::string meaning_key;  // language key of the one-line explanation
    std::optional<int64_t> now;
    std::optional<int64_t> change;  // since the run started
    bool changed() const { return change.value_or(0) != 0; }
};

std::vector<CounterRow> counter_rows(const KernelCounters& counters);

}  // namespace tcplab
