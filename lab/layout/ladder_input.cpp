#include "ladder_input.hpp"

#include <cmath>
#include <utility>

namespace tcplab {

LadderInput lab_ladder_input(const Trace& trace, const std::vector<StateEvent>& transitions, const Palette& palette,
                             const Language& language, const WireCopies& copies, float line_height,
                             std::function<float(std::string_view)> text_width) {
    return LadderInput{
        .trace = trace,
        .transitions = transitions,
        .colours =
            LadderColours{
                .for_flags = [&palette](uint8_t flags, uint32_t length) { return palette.for_flags(flags, length); },
                .kernel_state = palette.kernel_state,
                .inferred_state = palette.inferred_state,
                .client = palette.client,
                .server = palette.server,
                .gap = palette.text_dim,
            },
        .text_width = std::move(text_width),
        .line_height = line_height,
        .row_height = line_height * 2.2f,
        .slant = std::round(line_height * 0.6f),
        .label_padding = 6.0f,
        .min_outer_margin = line_height * 3.0f,
        .top_margin = 4.0f,
        .gap_height = line_height + 8.0f,
        .idle_gap_ns = 10'000'000,
        .inferred_mark = language.text("diagrams.ladder.inferred_mark"),
        .retransmission_mark = "(" + language.text("app.retransmission") + ")",
        .receive_time_ns = [&copies](size_t index) -> std::optional<int64_t> {
            if (index >= copies.role.size() || copies.role[index] != CopyRole::Sent) return std::nullopt;
            if (copies.received_ns[index] == 0) return std::nullopt;
            return copies.received_ns[index];
        },
        .is_receive_copy =
            [&copies](size_t index) { return index < copies.role.size() && copies.role[index] == CopyRole::Received; },
        .never_received =
            [&copies](size_t index) {
                return index < copies.role.size() && copies.role[index] == CopyRole::Sent &&
                       copies.received_ns[index] == 0;
            },
    };
}

}  // namespace tcplab
