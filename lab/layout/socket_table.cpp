#include "socket_table.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <numeric>
#include <tuple>
#include <utility>

namespace tcplab {

std::vector<SocketRow> socket_rows_from_dump(const std::vector<SocketInfo>& sockets, int64_t dumped_ns,
                                             const Trace& trace) {
    std::vector<SocketRow> rows;
    rows.reserve(sockets.size());
    for (const SocketInfo& socket : sockets) {
        SocketRow row;
        row.state = socket.state;
        row.receive_queue = socket.receive_queue;
        row.send_queue = socket.send_queue;
        row.local = socket.local;
        row.remote = socket.remote;
        row.timer = socket.timer;
        row.timer_expires_ms = socket.timer_expires_ms;
        row.retransmits = socket.retransmits;
        row.dumped_ns = dumped_ns;
        row.actor = trace.actor_of(socket.local);
        rows.push_back(row);
    }
    return rows;
}

std::vector<SocketRow> socket_rows_as_of(const Trace& trace, int64_t cursor_ns) {
    // Keyed like the dump differ keys its sockets, so a later event replaces an earlier one.
    std::map<std::pair<Endpoint, Endpoint>, SocketRow> live;
    for (const StateEvent& event : trace.states()) {
        if (event.source != StateSource::SocketDump) continue;
        if (cursor_ns != 0 && event.time_ns > cursor_ns) break;  // states() is sorted by time
        const auto key = std::make_pair(event.local, event.remote);
        if (event.to == TcpState::Closed) {
            live.erase(key);
            continue;
        }
        SocketRow row;
        row.state = event.to;
        row.receive_queue = event.receive_queue;
        row.send_queue = event.send_queue;
        row.local = event.local;
        row.remote = event.remote;
        row.timer = event.timer;
        row.timer_expires_ms = event.timer_expires_ms;
        row.dumped_ns = event.time_ns;
        row.actor = trace.actor_of(event);
        live[key] = row;
    }
    std::vector<SocketRow> rows;
    rows.reserve(live.size());
    for (auto& [key, row] : live) rows.push_back(row);
    return rows;
}

uint32_t timer_left_ms(const SocketRow& row, int64_t now_ns) {
    if (row.timer == SocketTimer::None) return 0;
    const int64_t elapsed_ms = now_ns > row.dumped_ns ? (now_ns - row.dumped_ns) / 1'000'000 : 0;
    if (elapsed_ms >= row.timer_expires_ms) return 0;
    return static_cast<uint32_t>(row.timer_expires_ms - elapsed_ms);
}

std::string ss_duration(uint32_t milliseconds) {
    // The rules of print_ms_timer() in iproute2's ss.c: minutes hide the
    // milliseconds, ten minutes or more hide the seconds, ten seconds or more hide
    // the milliseconds, and seconds with milliseconds read "1.500ms".
    uint32_t seconds = milliseconds / 1000;
    const uint32_t minutes = seconds / 60;
    seconds %= 60;
    uint32_t rest_ms = milliseconds % 1000;
    std::string text;
    if (minutes) {
        rest_ms = 0;
        text += std::to_string(minutes) + "min";
        if (minutes > 9) seconds = 0;
    }
    if (seconds) {
        if (seconds > 9) rest_ms = 0;
        text += std::to_string(seconds) + (rest_ms ? "." : "sec");
    }
    if (rest_ms) {
        char buffer[8];
        std::snprintf(buffer, sizeof buffer, "%03u", rest_ms);
        text += std::string(buffer) + "ms";
    }
    return text;
}

std::string timer_text(SocketTimer timer, uint32_t left_ms, uint8_t retransmits) {
    const char* name = nullptr;
    switch (timer) {
        case SocketTimer::None:
            return "";
        case SocketTimer::Retransmit:
            name = "on";
            break;
        case SocketTimer::KeepAlive:
            name = "keepalive";
            break;
        case SocketTimer::TimeWait:
            name = "timewait";
            break;
        case SocketTimer::ZeroWindowProbe:
            name = "persist";
            break;
    }
    return std::string("timer:(") + name + "," + ss_duration(left_ms) + "," + std::to_string(retransmits) + ")";
}

std::vector<size_t> sorted_socket_order(const std::vector<SocketRow>& rows, SocketColumn column, bool ascending) {
    std::vector<size_t> order(rows.size());
    std::iota(order.begin(), order.end(), size_t{0});
    auto key = [&rows, column](size_t index) {
        const SocketRow& row = rows[index];
        int64_t number = 0;
        switch (column) {
            case SocketColumn::State:
                number = static_cast<int64_t>(row.state);
                break;
            case SocketColumn::ReceiveQueue:
                number = row.receive_queue;
                break;
            case SocketColumn::SendQueue:
                number = row.send_queue;
                break;
            case SocketColumn::Timer:
                number = row.timer == SocketTimer::None ? -1 : static_cast<int64_t>(row.timer_expires_ms);
                break;
            case SocketColumn::Owner:
                number = static_cast<int64_t>(row.actor);
                break;
            case SocketColumn::Local:
            case SocketColumn::Peer:
                break;
        }
        const Endpoint& first = column == SocketColumn::Peer ? row.remote : row.local;
        const Endpoint& second = column == SocketColumn::Peer ? row.local : row.remote;
        return std::make_tuple(number, first, second);
    };
    std::stable_sort(order.begin(), order.end(), [&](size_t left, size_t right) {
        return ascending ? key(left) < key(right) : key(right) < key(left);
    });
    return order;
}

std::vector<CounterRow> counter_rows(const KernelCounters& counters) {
    struct Watched {
        const char* group;
        const char* name;
        const char* meaning_key;
    };
    static constexpr Watched kWatched[] = {
        {"TcpExt", "ListenOverflows", "inspect.counter.listen_overflows"},
        {"TcpExt", "ListenDrops", "inspect.counter.listen_drops"},
        {"TcpExt", "SyncookiesSent", "inspect.counter.syncookies_sent"},
        {"TcpExt", "SyncookiesRecv", "inspect.counter.syncookies_recv"},
        {"TcpExt", "SyncookiesFailed", "inspect.counter.syncookies_failed"},
        {"TcpExt", "TCPReqQFullDoCookies", "inspect.counter.tcp_req_q_full_do_cookies"},
        {"TcpExt", "TCPReqQFullDrop", "inspect.counter.tcp_req_q_full_drop"},
        {"TcpExt", "EmbryonicRsts", "inspect.counter.embryonic_rsts"},
        {"TcpExt", "TCPTimeWaitOverflow", "inspect.counter.tcp_time_wait_overflow"},
        {"TcpExt", "TCPAbortOnClose", "inspect.counter.tcp_abort_on_close"},
        {"TcpExt", "TCPAbortOnData", "inspect.counter.tcp_abort_on_data"},
        {"Tcp", "ActiveOpens", "inspect.counter.active_opens"},
        {"Tcp", "PassiveOpens", "inspect.counter.passive_opens"},
        {"Tcp", "AttemptFails", "inspect.counter.attempt_fails"},
        {"Tcp", "EstabResets", "inspect.counter.estab_resets"},
        {"Tcp", "RetransSegs", "inspect.counter.retrans_segs"},
        {"Tcp", "InSegs", "inspect.counter.in_segs"},
        {"Tcp", "OutSegs", "inspect.counter.out_segs"},
    };
    std::vector<CounterRow> rows;
    for (const Watched& watched : kWatched) {
        CounterRow row;
        row.name = watched.name;
        row.key = std::string(watched.group) + "." + watched.name;
        row.meaning_key = watched.meaning_key;
        row.now = counters.latest.value(row.key);
        row.change = counters.change(row.key);
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace tcplab
