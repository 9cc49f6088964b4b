#pragma once
// The packet detail view's content as plain data: every header field of one
// frame with where its bytes are, so the tree and the hex dump can point at
// each other. No ImGui here; the view only draws these records.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "capture/decode.hpp"
#include "capture/trace.hpp"

namespace tcplab {

struct PacketField {
    int depth = 0;            // 0: a layer heading; 1: a field; 2: a part of a field (a flag bit)
    std::string label_key;    // language key for the label, e.g. "inspect.field.ttl"; empty: use `label`
    std::string label;        // a literal label: flag and option names ("SYN", "mss")
    std::string value;        // the value as text: numbers, addresses, names from the RFCs
    std::string value_key;    // a language key shown after `value` (e.g. "scale unknown"); may be empty
    std::string meaning_key;  // a one-line explanation (flag meanings); may be empty
    size_t offset = 0;        // the field's first byte in the frame
    size_t length = 0;        // bytes it covers; 0 for a field with no bytes of its own (an error)
    uint8_t bit_mask = 0;     // for fields smaller than a byte: their bits in the byte at `offset`
    bool is_error = false;
};

// What a frame alone does not say, found in the rest of the trace.
struct PacketFieldContext {
    std::optional<uint32_t> relative_seq;
    std::optional<uint32_t> relative_ack;
    std::optional<uint8_t> window_scale;  // the sender's wscale from its SYN, when it was seen
    uint32_t original_length = 0;         // the length on the wire before the snap length cut it
};

// The fields of `packet` (decoded from `frame`) in tree order. Every field lies
// inside the frame; a decode error becomes a field of its own at the end.
std::vector<PacketField> packet_fields(const DecodedPacket& packet, std::span<const uint8_t> frame,
                                       const PacketFieldContext& context);

// The context for packet `index` of the trace: relative numbers and the wscale
// the sender announced in its SYN (Linux scales only when both ends sent one).
PacketFieldContext field_context(const Trace& trace, size_t index);

// Which field a byte belongs to: the narrowest field covering it (the first of
// equals, so a whole byte wins over its bits), or nothing.
std::optional<size_t> field_at_byte(const std::vector<PacketField>& fields, size_t byte);

// Whether `byte` lies in field `field`.
bool field_covers(const PacketField& field, size_t byte);

// Up to `limit` bytes of payload as text: printable ASCII as is, anything else as '.'.
std::string printable_preview(std::span<const uint8_t> bytes, size_t limit);

// The hex dump's rows: 16 bytes per row.
inline constexpr size_t kHexBytesPerRow = 16;
inline size_t hex_row_count(size_t frame_length) { return (frame_length + kHexBytesPerRow - 1) / kHexBytesPerRow; }

}  // namespace tcplab
