#pragma once
// The sandbox's TCP sockets like `ss -tan -o`, with TIME_WAIT counting down,
// and below them the kernel's TCP counters with their change since the start.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "lab/layout/socket_table.hpp"
#include "lab/views/view.hpp"

namespace tcplab {

class SocketsView : public View {
public:
    const char* id() const override { return "sockets"; }
    void draw(LabContext& context) override;

private:
    void draw_sockets(LabContext& context);
    void draw_counters(LabContext& context);

    // Rows replayed from the trace are rebuilt only when the cursor or the trace moves.
    int64_t replayed_cursor_ = -1;
    size_t replayed_state_count_ = 0;
    std::vector<SocketRow> rows_;
    std::vector<size_t> order_;
    SocketColumn sort_column_ = SocketColumn::State;
    bool sort_ascending_ = true;
};

}  // namespace tcplab
