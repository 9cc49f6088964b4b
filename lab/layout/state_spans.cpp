#include "state_spans.hpp"

#include <limits>

namespace tcplab {
namespace {

constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

}  // namespace

std::vector<StateSpan> state_spans(const Trace& trace, const std::vector<StateEvent>& transitions) {
    std::vector<StateSpan> spans;
    StateSpanBuilder builder;
    for (size_t index = 0; index < transitions.size(); ++index) builder.add(trace, transitions, index, spans);
    return spans;
}

void StateSpanBuilder::add(const Trace& trace, const std::vector<StateEvent>& transitions, size_t index,
                           std::vector<StateSpan>& spans) {
    const StateEvent& event = transitions[index];
    const Actor actor = end_of_transition(trace, event);
    if (actor != Actor::Client && actor != Actor::Server) return;
    const SocketKey key{event.local, event.remote};
    auto& rows = free_rows_[actor == Actor::Client ? 0 : 1];
    Socket& socket = sockets_[key];
    const bool alive = socket.open_span != kClosed;
    if (alive) spans[socket.open_span].end_ns = event.time_ns;
    if (event.to == TcpState::Closed) {
        if (alive) rows.push(socket.row);
        socket = Socket{};
        return;
    }
    if (!alive) {
        // The lowest row no living socket of this end holds (a min-heap
        // of freed rows: a flood leaves thousands of sockets alive).
        if (rows.empty()) {
            socket.row = next_row_[actor == Actor::Client ? 0 : 1]++;
        } else {
            socket.row = rows.top();
            rows.pop();
        }
    }
    socket.open_span = spans.size();
    spans.push_back(StateSpan{actor, socket.row, event.time_ns, kForever, event.to, event.source, index});
}

void StateSpanBuilder::clear() {
    sockets_.clear();
    for (auto& rows : free_rows_) rows = {};
    next_row_ = {};
}

Actor end_of_transition(const Trace& trace, const StateEvent& event) {
    if (event.connection >= trace.connections().size()) return trace.actor_of(event.local);
    if (const auto named = trace.actors().find(event.local); named != trace.actors().end()) return named->second;
    for (const auto& [endpoint, actor] : trace.actors())  // a socket bound to the wildcard address
        if (endpoint.port == event.local.port && endpoint.address.is_unspecified()) return actor;
    const Connection& connection = trace.connections()[event.connection];
    return event.local == connection.client   ? Actor::Client
           : event.local == connection.server ? Actor::Server
                                              : trace.actor_of(event.local);
}

Actor end_of_sender(const Trace& trace, const PacketEvent& packet) {
    if (packet.connection == kNoConnection) return trace.sender_actor(packet);
    const Endpoint sender = trace.sender(packet);
    if (const auto named = trace.actors().find(sender); named != trace.actors().end()) return named->second;
    for (const auto& [endpoint, actor] : trace.actors())
        if (endpoint.port == sender.port && endpoint.address.is_unspecified()) return actor;
    return packet.from_server ? Actor::Server : Actor::Client;
}

StateSpanRows index_state_spans(const std::vector<StateSpan>& spans) {
    StateSpanRows index;
    for (size_t position = 0; position < spans.size(); ++position) index.add(spans, position);
    return index;
}

void StateSpanRows::add(const std::vector<StateSpan>& spans, size_t position) {
    const StateSpan& span = spans[position];
    auto& rows = span.actor == Actor::Client ? client : server;
    const auto row = static_cast<size_t>(span.row);
    if (rows.size() <= row) rows.resize(row + 1);
    rows[row].push_back(static_cast<uint32_t>(position));  // spans come in time order
}

}  // namespace tcplab
