#pragma once
// The framing view's layout: one direction of one connection drawn as three
// rows on a shared byte axis, so a student sees that the boundaries of send()
// calls, of segments on the wire and of recv() calls need not line up (粘包 and
// 分包). The axis is the offset in the byte stream (relative seq 1 is offset 0).
// For UDP each datagram is its own box in every row, and a recvfrom() that was
// given too small a buffer shows how much of its datagram it lost.
// Plain records; the view turns them into ImDrawList calls.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capture/trace.hpp"

namespace tcplab {

enum class FramingRow : uint8_t { Sends, Segments, Receives };
inline constexpr int kFramingRowCount = 3;

struct FramingBox {
    FramingRow row = FramingRow::Sends;
    uint64_t begin = 0;  // stream offsets [begin, end); for UDP, datagrams laid end to end
    uint64_t end = 0;
    float x0 = 0, x1 = 0;         // pixels along the axis
    size_t index = 0;             // into trace.calls() (send and receive rows) or trace.packets() (segments)
    std::string text;             // the bytes as text (non-printable bytes as '.'), whole or a preview
    bool text_complete = true;    // false when `text` is only the start of the bytes
    std::string label;            // `text` quoted and shortened to fit the box; empty when nothing fits
    std::string detail;           // "5 B" when it fits
    bool retransmission = false;  // a segment whose bytes were sent before
    uint64_t copied = 0;          // receive row: bytes the call handed to the program
    bool truncated = false;       // a UDP datagram longer than recvfrom()'s buffer: [begin + copied, end) was lost
};

struct FramingInput {
    const Trace& trace;
    int64_t cursor_ns = 0;  // events after it are hidden; 0 shows everything
    std::optional<size_t> selected_packet = std::nullopt;
    // Which way the bytes flow; unset: the way the first data went.
    std::optional<bool> from_server = std::nullopt;
    float width = 600.0f;                                    // pixels of the byte axis
    std::function<float(std::string_view)> text_width = {};  // pixels a label needs; unset: 7 per byte
    float label_padding = 4.0f;
};

struct FramingLayout {
    bool found = false;  // false: no data connection and no datagrams to show yet
    bool udp = false;
    uint32_t connection = kNoConnection;  // the TCP connection shown
    bool from_server = false;             // the direction shown
    Endpoint sender;
    Endpoint receiver;
    uint64_t total_bytes = 0;  // the axis runs from 0 to here
    // Per row, in stream order: sends, then segments, then receives.
    std::vector<FramingBox> boxes;
    // How many boxes each row has (send() calls, segments, recv() calls).
    size_t count(FramingRow row) const;
};

FramingLayout layout_framing(const FramingInput& input);

// The bytes as one line of text: printable ASCII and UTF-8 as they are, others as '.'.
std::string printable_text(std::string_view bytes);

}  // namespace tcplab
