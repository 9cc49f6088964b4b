#include "events.hpp"

#include <ctime>

namespace tcplab {

std::string_view actor_name(Actor actor) {
    switch (actor) {
        case Actor::Client:
            return "client";
        case Actor::Server:
            return "server";
        case Actor::Attacker:
            return "attacker";
        case Actor::None:
            break;
    }
    return "-";
}

std::string_view source_name(StateSource source) {
    switch (source) {
        case StateSource::Tracepoint:
            return "tracepoint";
        case StateSource::SocketDump:
            return "socket dump";
        case StateSource::Inferred:
            break;
    }
    return "inferred";
}

std::string_view wire_action_name(WireAction action) {
    switch (action) {
        case WireAction::Held:
            return "held";
        case WireAction::Released:
            return "released";
        case WireAction::Dropped:
            return "dropped";
        case WireAction::Lost:
            return "lost";
        case WireAction::Vanished:
            return "vanished";
        case WireAction::Injected:
            return "injected";
    }
    return "?";
}

int64_t realtime_now_ns() {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

}  // namespace tcplab
