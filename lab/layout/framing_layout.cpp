#include "framing_layout.hpp"

#include <algorithm>

namespace tcplab {
namespace {

// Labels never need more than this much of a box's bytes.
constexpr size_t kTextBytes = 48;

// When a call's result is known: its return (a blocked recv() shows nothing until it returns).
int64_t call_done_ns(const CallEvent& call) { return call.return_ns != 0 ? call.return_ns : call.time_ns; }

bool visible(const FramingInput& input, int64_t time_ns) { return input.cursor_ns == 0 || time_ns <= input.cursor_ns; }

// Drops the last UTF-8 code point of `text`.
void drop_last_code_point(std::string& text) {
    while (!text.empty()) {
        const auto byte = static_cast<unsigned char>(text.back());
        text.pop_back();
        if ((byte & 0xc0) != 0x80) return;  // not a continuation byte: the code point's start
    }
}

float measure(const FramingInput& input, std::string_view text) {
    return input.text_width ? input.text_width(text) : 7.0f * static_cast<float>(text.size());
}

// The quoted text, shortened with "…" until it fits `room` pixels; empty when even one character does not.
std::string fitted_label(const FramingInput& input, const FramingBox& box, float room) {
    if (box.text.empty()) return {};
    std::string text = box.text;
    bool shortened = !box.text_complete;
    for (;;) {
        const std::string label = "\"" + text + (shortened ? "…" : "") + "\"";
        if (measure(input, label) <= room) return label;
        drop_last_code_point(text);
        shortened = true;
        if (text.empty()) return {};
    }
}

void fit_labels(const FramingInput& input, FramingBox& box) {
    const float room = box.x1 - box.x0 - 2 * input.label_padding;
    box.label = fitted_label(input, box, room);
    const uint64_t length = box.end - box.begin;
    std::vector<std::string> details;
    if (box.truncated) {
        details.push_back(std::to_string(box.copied) + "/" + std::to_string(length) + " B");
        details.push_back(std::to_string(box.copied) + "/" + std::to_string(length));
    }
    details.push_back(std::to_string(length) + " B");
    details.push_back(std::to_string(length));
    for (const std::string& detail : details)
        if (measure(input, detail) <= room) {
            box.detail = detail;
            break;
        }
}

// A call's bytes as label text; the trace may keep only a preview of a large buffer.
void set_call_text(FramingBox& box, const CallEvent& call, uint64_t length) {
    box.text = printable_text(std::string_view(call.data).substr(0, kTextBytes));
    box.text_complete = call.data.size() >= length && call.data.size() <= kTextBytes;
}

void set_packet_text(FramingBox& box, const Trace& trace, const PacketEvent& packet) {
    const DecodedPacket decoded = trace.decode(packet);
    const auto raw = trace.raw_bytes(packet);
    const size_t available = decoded.payload_offset <= raw.size() ? raw.size() - decoded.payload_offset : 0;
    const size_t length = std::min({decoded.payload_length, available, kTextBytes});
    box.text =
        printable_text(std::string_view(reinterpret_cast<const char*>(raw.data()) + decoded.payload_offset, length));
    box.text_complete = length == packet.payload_length;
}

// The capture point that sits on the sender's host, else the one that saw the first of these packets:
// with two hosts every segment is captured twice, and the sender's copy shows how it was cut.
std::optional<uint8_t> sender_capture_point(const Trace& trace, const IpAddress& sender,
                                            const std::vector<size_t>& packets) {
    for (const auto& [point, description] : trace.capture_points())
        if (description.host == sender) return point;
    if (packets.empty()) return std::nullopt;
    return trace.packets()[packets.front()].capture_point;
}

struct Choice {
    bool found = false;
    bool udp = false;
    uint32_t connection = kNoConnection;
    std::optional<bool> from_server;
};

Choice choose(const FramingInput& input) {
    const Trace& trace = input.trace;
    const auto& packets = trace.packets();
    Choice choice;
    if (input.selected_packet && *input.selected_packet < packets.size()) {
        const PacketEvent& selected = packets[*input.selected_packet];
        if (selected.transport == Transport::Tcp && selected.connection != kNoConnection) {
            choice = {true, false, selected.connection, std::nullopt};
            if (selected.payload_length > 0) choice.from_server = selected.from_server != 0;
        } else if (selected.transport == Transport::Udp) {
            choice = {true, true, kNoConnection, trace.sender_actor(selected) == Actor::Server};
        }
    }
    if (!choice.found) {
        for (const PacketEvent& packet : packets) {
            if (!visible(input, packet.time_ns)) break;
            if (packet.transport == Transport::Tcp && packet.connection != kNoConnection && packet.payload_length > 0) {
                choice = {true, false, packet.connection, std::nullopt};
                break;
            }
        }
    }
    if (!choice.found) {
        for (const CallEvent& call : trace.calls())
            if (call.call == "sendto" && visible(input, call_done_ns(call))) {
                choice = {true, true, kNoConnection, std::nullopt};
                break;
            }
    }
    if (input.from_server) choice.from_server = input.from_server;
    return choice;
}

void add_call_row(const FramingInput& input, FramingLayout& layout, FramingRow row, const std::string& call_name,
                  const std::function<bool(const CallEvent&)>& belongs, bool datagrams) {
    uint64_t offset = 0;
    const auto& calls = input.trace.calls();
    for (size_t i = 0; i < calls.size(); ++i) {
        const CallEvent& call = calls[i];
        if (call.call != call_name || !visible(input, call_done_ns(call)) || !belongs(call)) continue;
        // A failed call moves nothing; for TCP neither does recv() returning 0 (the peer's FIN).
        if (call.result < 0 || (call.result == 0 && !datagrams)) continue;
        FramingBox box;
        box.row = row;
        box.index = i;
        box.begin = offset;
        box.end = offset + static_cast<uint64_t>(call.result);
        box.copied = static_cast<uint64_t>(call.result);
        if (datagrams && row == FramingRow::Receives) {
            // recvfrom() with MSG_TRUNC returns the datagram's length; `data` is what was copied.
            box.copied = std::min<uint64_t>(call.data.size(), box.copied);
            box.truncated = box.copied < box.end - box.begin;
        }
        set_call_text(box, call, box.copied);
        offset = box.end;
        layout.boxes.push_back(std::move(box));
    }
}

void layout_tcp(const FramingInput& input, const Choice& choice, FramingLayout& layout) {
    const Trace& trace = input.trace;
    const auto& packets = trace.packets();
    const Connection& connection = trace.connections()[choice.connection];
    layout.connection = choice.connection;

    std::vector<size_t> data_packets[2];
    int64_t first_packet_ns = INT64_MAX;
    for (size_t i = 0; i < packets.size(); ++i) {
        const PacketEvent& packet = packets[i];
        if (packet.connection != choice.connection || !visible(input, packet.time_ns)) continue;
        first_packet_ns = std::min(first_packet_ns, packet.time_ns);
        if (packet.payload_length > 0) data_packets[packet.from_server ? 1 : 0].push_back(i);
    }
    bool from_server = false;
    if (choice.from_server) {
        from_server = *choice.from_server;
    } else if (!data_packets[0].empty() || !data_packets[1].empty()) {
        from_server =
            data_packets[0].empty() || (!data_packets[1].empty() && data_packets[1].front() < data_packets[0].front());
    }
    layout.from_server = from_server;
    layout.sender = from_server ? connection.server : connection.client;
    layout.receiver = from_server ? connection.client : connection.server;

    // Calls made on this connection's sockets: the same local endpoint, from its first packet on
    // (an earlier connection may have used the same port).
    const auto on_socket = [first_packet_ns](const Endpoint& local) {
        return [first_packet_ns, local](const CallEvent& call) {
            return call.local == local && call.time_ns >= first_packet_ns;
        };
    };
    add_call_row(input, layout, FramingRow::Sends, "send", on_socket(layout.sender), false);

    const std::vector<size_t>& sent = data_packets[from_server ? 1 : 0];
    const std::optional<uint8_t> point = sender_capture_point(trace, layout.sender.address, sent);
    for (const size_t i : sent) {
        const PacketEvent& packet = packets[i];
        if (point && packet.capture_point != *point) continue;
        FramingBox box;
        box.row = FramingRow::Segments;
        box.index = i;
        box.begin = std::max<uint32_t>(trace.relative_seq(packet), 1) - 1;  // relative seq 1: the first byte
        box.end = box.begin + packet.payload_length;
        box.copied = packet.payload_length;
        box.retransmission = packet.retransmission != 0;
        set_packet_text(box, trace, packet);
        layout.boxes.push_back(std::move(box));
    }

    add_call_row(input, layout, FramingRow::Receives, "recv", on_socket(layout.receiver), false);
}

void layout_udp(const FramingInput& input, const Choice& choice, FramingLayout& layout) {
    const Trace& trace = input.trace;
    const auto& calls = trace.calls();
    // UDP has no connection: the ends are the actors, and the first sendto() names the sender's socket.
    Actor sender_actor = Actor::Client;
    if (choice.from_server) {
        sender_actor = *choice.from_server ? Actor::Server : Actor::Client;
    } else {
        for (const CallEvent& call : calls)
            if (call.call == "sendto" && visible(input, call_done_ns(call))) {
                sender_actor = call.actor;
                break;
            }
    }
    const Actor receiver_actor = sender_actor == Actor::Server ? Actor::Client : Actor::Server;
    layout.from_server = sender_actor == Actor::Server;
    for (const CallEvent& call : calls)
        if (call.call == "sendto" && call.actor == sender_actor && visible(input, call_done_ns(call))) {
            layout.sender = call.local;
            break;
        }
    add_call_row(
        input, layout, FramingRow::Sends, "sendto", [&](const CallEvent& call) { return call.actor == sender_actor; },
        true);

    // Datagrams from the sender's port (its address may be the wildcard until the route picks one).
    const auto& packets = trace.packets();
    std::vector<size_t> datagrams;
    for (size_t i = 0; i < packets.size(); ++i) {
        const PacketEvent& packet = packets[i];
        if (packet.transport != Transport::Udp || !visible(input, packet.time_ns)) continue;
        const DecodedPacket decoded = trace.decode(packet);
        const Endpoint source = decoded.source_endpoint();
        if (source.port != layout.sender.port) continue;
        if (!layout.sender.address.is_unspecified() && source.address != layout.sender.address) continue;
        if (datagrams.empty()) layout.receiver = decoded.destination_endpoint();
        datagrams.push_back(i);
    }
    const std::optional<uint8_t> point = sender_capture_point(
        trace, datagrams.empty() ? layout.sender.address : trace.sender(packets[datagrams.front()]).address, datagrams);
    uint64_t offset = 0;
    for (const size_t i : datagrams) {
        const PacketEvent& packet = packets[i];
        if (point && packet.capture_point != *point) continue;
        FramingBox box;
        box.row = FramingRow::Segments;
        box.index = i;
        box.begin = offset;
        box.end = offset + packet.payload_length;
        box.copied = packet.payload_length;
        set_packet_text(box, trace, packet);
        offset = box.end;
        layout.boxes.push_back(std::move(box));
    }

    add_call_row(
        input, layout, FramingRow::Receives, "recvfrom",
        [&](const CallEvent& call) { return call.actor == receiver_actor; }, true);
}

}  // namespace

size_t FramingLayout::count(FramingRow row) const {
    return static_cast<size_t>(
        std::count_if(boxes.begin(), boxes.end(), [row](const FramingBox& box) { return box.row == row; }));
}

std::string printable_text(std::string_view bytes) {
    std::string text;
    text.reserve(bytes.size());
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        text += (byte >= 0x20 && byte != 0x7f) ? c : '.';
    }
    return text;
}

FramingLayout layout_framing(const FramingInput& input) {
    FramingLayout layout;
    const Choice choice = choose(input);
    if (!choice.found) return layout;
    layout.found = true;
    layout.udp = choice.udp;
    if (choice.udp)
        layout_udp(input, choice, layout);
    else
        layout_tcp(input, choice, layout);

    for (const FramingBox& box : layout.boxes) layout.total_bytes = std::max(layout.total_bytes, box.end);
    const double scale = input.width / static_cast<double>(std::max<uint64_t>(layout.total_bytes, 1));
    for (FramingBox& box : layout.boxes) {
        box.x0 = static_cast<float>(static_cast<double>(box.begin) * scale);
        box.x1 = static_cast<float>(static_cast<double>(box.end) * scale);
        fit_labels(input, box);
    }
    return layout;
}

}  // namespace tcplab
