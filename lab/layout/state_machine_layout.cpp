#include "state_machine_layout.hpp"

#include <cmath>

namespace tcplab {
namespace {

using enum TcpState;

constexpr float kHalfWidth = 0.10f;
constexpr float kHalfHeight = 0.035f;
constexpr float kWideHalfWidth = 0.12f;  // ESTABLISHED: the longest name, and the centre of the picture

struct BoxPlace {
    TcpState state;
    float x, y;  // centre
};

// Three columns (passive open and active close on the left, active open and
// passive close on the right) and six rows, as in RFC 793 figure 6.
constexpr BoxPlace kPlaces[kTcpStateCount] = {
    {Closed, 0.50f, 0.08f},      {Listen, 0.50f, 0.22f},   {SynSent, 0.84f, 0.37f},  {SynReceived, 0.16f, 0.37f},
    {Established, 0.50f, 0.53f}, {FinWait1, 0.16f, 0.69f}, {FinWait2, 0.16f, 0.86f}, {CloseWait, 0.84f, 0.69f},
    {Closing, 0.50f, 0.69f},     {LastAck, 0.84f, 0.86f},  {TimeWait, 0.50f, 0.86f},
};

// kPlaces is indexed by state.
static_assert([] {
    for (int index = 0; index < kTcpStateCount; ++index)
        if (static_cast<int>(kPlaces[index].state) != index) return false;
    return true;
}());

struct ArrowPlan {
    TcpState from, to;
    std::vector<NormalizedPoint> points;
    NormalizedPoint label;
    LabelAlign align;
    const char* key;
};

// The RFC's transitions (plus FIN_WAIT_1 → TIME_WAIT, which Linux takes when a
// FIN arrives together with the ACK of its own FIN). Routes run around the
// boxes, never through one, and the two long returns to CLOSED go round the
// outside of the picture.
const std::vector<ArrowPlan>& arrow_plans() {
    using L = LabelAlign;
    static const std::vector<ArrowPlan> plans = {
        {Closed, Listen, {{0.47f, 0.115f}, {0.47f, 0.185f}}, {0.46f, 0.15f}, L::Right, "diagrams.fsm.passive_open"},
        {Listen, Closed, {{0.53f, 0.185f}, {0.53f, 0.115f}}, {0.54f, 0.15f}, L::Left, "diagrams.fsm.close"},
        {Closed,
         SynSent,
         {{0.60f, 0.08f}, {0.84f, 0.08f}, {0.84f, 0.335f}},
         {0.72f, 0.062f},
         L::Centre,
         "diagrams.fsm.active_open"},
        {Listen,
         SynSent,
         {{0.60f, 0.22f}, {0.78f, 0.22f}, {0.78f, 0.335f}},
         {0.69f, 0.202f},
         L::Centre,
         "diagrams.fsm.send"},
        {SynSent,
         Closed,
         {{0.94f, 0.37f}, {0.97f, 0.37f}, {0.97f, 0.025f}, {0.56f, 0.025f}, {0.56f, 0.045f}},
         {0.96f, 0.20f},
         L::Right,
         "diagrams.fsm.close"},
        {Listen,
         SynReceived,
         {{0.40f, 0.235f}, {0.20f, 0.235f}, {0.20f, 0.335f}},
         {0.21f, 0.262f},
         L::Left,
         "diagrams.fsm.rcv_syn"},
        {SynReceived,
         Listen,
         {{0.10f, 0.335f}, {0.10f, 0.205f}, {0.40f, 0.205f}},
         {0.11f, 0.187f},
         L::Left,
         "diagrams.fsm.rcv_rst"},
        {SynSent,
         SynReceived,
         {{0.74f, 0.37f}, {0.26f, 0.37f}},
         {0.50f, 0.352f},
         L::Centre,
         "diagrams.fsm.simultaneous_open"},
        {SynSent,
         Established,
         {{0.84f, 0.405f}, {0.84f, 0.53f}, {0.62f, 0.53f}},
         {0.83f, 0.455f},
         L::Right,
         "diagrams.fsm.rcv_syn_ack"},
        {SynReceived,
         Established,
         {{0.20f, 0.405f}, {0.20f, 0.53f}, {0.38f, 0.53f}},
         {0.21f, 0.455f},
         L::Left,
         "diagrams.fsm.rcv_ack_of_syn"},
        {SynReceived,
         FinWait1,
         {{0.10f, 0.405f}, {0.10f, 0.655f}},
         {0.11f, 0.60f},
         L::Left,
         "diagrams.fsm.close_snd_fin"},
        {Established,
         FinWait1,
         {{0.40f, 0.565f}, {0.22f, 0.655f}},
         {0.32f, 0.617f},
         L::Left,
         "diagrams.fsm.close_snd_fin"},
        {Established, CloseWait, {{0.60f, 0.565f}, {0.78f, 0.655f}}, {0.72f, 0.592f}, L::Left, "diagrams.fsm.rcv_fin"},
        {CloseWait,
         LastAck,
         {{0.84f, 0.725f}, {0.84f, 0.825f}},
         {0.83f, 0.775f},
         L::Right,
         "diagrams.fsm.close_snd_fin"},
        {LastAck,
         Closed,
         {{0.94f, 0.86f}, {0.985f, 0.86f}, {0.985f, 0.008f}, {0.53f, 0.008f}, {0.53f, 0.045f}},
         {0.975f, 0.47f},
         L::Right,
         "diagrams.fsm.rcv_ack_of_fin"},
        {FinWait1,
         FinWait2,
         {{0.16f, 0.725f}, {0.16f, 0.825f}},
         {0.15f, 0.775f},
         L::Right,
         "diagrams.fsm.rcv_ack_of_fin"},
        {FinWait1, Closing, {{0.26f, 0.69f}, {0.40f, 0.69f}}, {0.33f, 0.672f}, L::Centre, "diagrams.fsm.rcv_fin"},
        {FinWait1, TimeWait, {{0.24f, 0.725f}, {0.42f, 0.825f}}, {0.33f, 0.76f}, L::Left, "diagrams.fsm.rcv_fin_ack"},
        {FinWait2, TimeWait, {{0.26f, 0.86f}, {0.40f, 0.86f}}, {0.33f, 0.842f}, L::Centre, "diagrams.fsm.rcv_fin"},
        {Closing,
         TimeWait,
         {{0.56f, 0.725f}, {0.56f, 0.825f}},
         {0.57f, 0.775f},
         L::Left,
         "diagrams.fsm.rcv_ack_of_fin"},
        {TimeWait,
         Closed,
         {{0.50f, 0.895f}, {0.50f, 0.95f}, {0.015f, 0.95f}, {0.015f, 0.08f}, {0.40f, 0.08f}},
         {0.51f, 0.925f},
         L::Left,
         "diagrams.fsm.timeout"},
    };
    return plans;
}

size_t slot(TcpState state) { return static_cast<size_t>(state); }

// Where the straight line from one box's centre to another's leaves the first box.
NormalizedPoint edge_towards(const NormalizedRect& rect, NormalizedPoint target) {
    const NormalizedPoint centre = rect.centre();
    const float dx = target.x - centre.x, dy = target.y - centre.y;
    const float half_width = (rect.x1 - rect.x0) * 0.5f, half_height = (rect.y1 - rect.y0) * 0.5f;
    const float scale_x = dx != 0 ? half_width / std::abs(dx) : INFINITY;
    const float scale_y = dy != 0 ? half_height / std::abs(dy) : INFINITY;
    const float scale = std::min(scale_x, scale_y);
    if (!std::isfinite(scale)) return centre;
    return {centre.x + dx * scale, centre.y + dy * scale};
}

void mark_last(StateMachineLayout& layout, const std::optional<StateEvent>& last, bool client) {
    if (!last || last->from == last->to) return;
    for (StateArrow& arrow : layout.arrows) {
        if (arrow.from != last->from || arrow.to != last->to) continue;
        (client ? arrow.client_last : arrow.server_last) = true;
        return;
    }
    // A transition the figure has no arrow for (an RST, or a state a kernel
    // source skipped over): drawn straight so the student still sees it.
    StateArrow extra;
    extra.from = last->from;
    extra.to = last->to;
    const NormalizedRect from_rect = state_box_rect(last->from), to_rect = state_box_rect(last->to);
    extra.points = {edge_towards(from_rect, to_rect.centre()), edge_towards(to_rect, from_rect.centre())};
    extra.label_anchor = {(extra.points[0].x + extra.points[1].x) * 0.5f,
                          (extra.points[0].y + extra.points[1].y) * 0.5f};
    extra.in_rfc = false;
    (client ? extra.client_last : extra.server_last) = true;
    layout.arrows.push_back(std::move(extra));
}

}  // namespace

NormalizedRect state_box_rect(TcpState state) {
    const BoxPlace& place = kPlaces[slot(state)];
    const float half_width = state == Established ? kWideHalfWidth : kHalfWidth;
    return {place.x - half_width, place.y - kHalfHeight, place.x + half_width, place.y + kHalfHeight};
}

EndsProgress ends_progress(const Trace& trace, const std::vector<StateEvent>& transitions, int64_t cursor_ns) {
    EndsProgress progress;
    for (const StateEvent& event : transitions) {
        if (cursor_ns != 0 && event.time_ns > cursor_ns) break;  // sorted by time
        const Actor actor = trace.actor_of(event);
        if (actor != Actor::Client && actor != Actor::Server) continue;
        EndProgress& end = actor == Actor::Client ? progress.client : progress.server;
        end.state = event.to;
        end.source = event.source;
        end.last_transition = event;
        (event.source == StateSource::Inferred ? end.inferred : end.kernel_reported)[slot(event.to)] = true;
        // The state it left was lived in too (a socket's first report may be its second state).
        if (event.source != StateSource::Inferred) end.kernel_reported[slot(event.from)] = true;
    }
    return progress;
}

StateMachineLayout layout_state_machine(const EndsProgress& progress) {
    StateMachineLayout layout;
    for (int index = 0; index < kTcpStateCount; ++index) {
        const auto state = static_cast<TcpState>(index);
        StateBox box;
        box.state = state;
        box.rect = state_box_rect(state);
        box.client_current = progress.client.state == state;
        box.server_current = progress.server.state == state;
        box.client_inferred = box.client_current && progress.client.source == StateSource::Inferred;
        box.server_inferred = box.server_current && progress.server.source == StateSource::Inferred;
        const bool kernel =
            progress.client.kernel_reported[slot(state)] || progress.server.kernel_reported[slot(state)];
        const bool inferred = progress.client.inferred[slot(state)] || progress.server.inferred[slot(state)];
        box.visited = kernel || inferred || box.client_current || box.server_current;
        box.inferred_only = inferred && !kernel;
        layout.boxes.push_back(box);
    }
    for (const ArrowPlan& plan : arrow_plans()) {
        StateArrow arrow;
        arrow.from = plan.from;
        arrow.to = plan.to;
        arrow.points = plan.points;
        arrow.label_anchor = plan.label;
        arrow.label_align = plan.align;
        arrow.label_key = plan.key;
        layout.arrows.push_back(std::move(arrow));
    }
    mark_last(layout, progress.client.last_transition, true);
    mark_last(layout, progress.server.last_transition, false);
    return layout;
}

}  // namespace tcplab
