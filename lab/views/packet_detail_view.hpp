#pragma once
// The selected packet's header fields as a tree beside its bytes as a hex dump;
// pointing at either side lights up the other.
#include <cstddef>
#include <optional>
#include <vector>

#include "lab/layout/packet_fields.hpp"
#include "lab/views/view.hpp"

namespace tcplab {

class PacketDetailView : public View {
public:
    const char* id() const override { return "packet_detail"; }
    void draw(LabContext& context) override;

private:
    void refresh(const LabContext& context, size_t packet_index);
    void draw_heading(LabContext& context);
    void draw_tree(LabContext& context);
    void draw_hex(LabContext& context);
    std::optional<size_t> highlighted_field() const;

    // The field list is rebuilt only when the selection or the trace changes.
    std::optional<size_t> shown_packet_;
    size_t shown_packet_count_ = 0;
    bool shown_relative_ = true;
    std::vector<PacketField> fields_;
    std::vector<uint8_t> bytes_;

    // Hover found while drawing one frame is shown in the next (ImGui's usual one-frame lag).
    std::optional<size_t> hovered_field_;
    std::optional<size_t> hovered_byte_;
    std::optional<size_t> pinned_field_;  // clicked in the tree; stays lit until clicked again
    // A newly shown packet opens at its TCP or UDP header: the lab's subject,
    // below the link and IP layers, which would fill a small view.
    bool scroll_to_transport_ = false;
};

}  // namespace tcplab
