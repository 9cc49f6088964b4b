#pragma once
// Sticky packets (粘包) and splitting (分包) made visible: for one direction of
// a connection, where the sender's send() calls ended, where the segments on
// the wire ended, and where the receiver's recv() calls ended, as three rows on
// one byte axis. The layout is lab/layout/framing_layout; this only draws it.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "lab/layout/framing_layout.hpp"
#include "lab/views/view.hpp"

namespace tcplab {

class FramingView : public View {
public:
    const char* id() const override { return "framing"; }
    void draw(LabContext& context) override;

    const FramingLayout& last_layout() const { return layout_; }  // what the last frame drew

private:
    void update_layout(LabContext& context, float width);
    void draw_box_tooltip(LabContext& context, const FramingBox& box) const;

    int direction_ = 0;  // 0: the way the first data went, 1: client → server, 2: server → client
    FramingLayout layout_;
    // The layout is remade only when something it depends on changed.
    struct Key {
        const Trace* trace = nullptr;
        size_t packets = 0, calls = 0;
        int64_t cursor_ns = -1;
        std::optional<size_t> selected;
        int direction = -1;
        float width = -1;
        float font_size = -1;
        bool operator==(const Key&) const = default;
    } key_;
};

}  // namespace tcplab
