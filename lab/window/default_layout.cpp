#include "default_layout.hpp"

#include <algorithm>

namespace tcplab {

std::vector<PanelRect> default_layout(const std::vector<std::string>& view_ids, float display_width,
                                      float display_height, float top, float font_size) {
    const bool has_wire = std::find(view_ids.begin(), view_ids.end(), "wire") != view_ids.end();
    const bool has_predict = std::find(view_ids.begin(), view_ids.end(), "predict") != view_ids.end();
    // The wire, the questions and the programs' output share the column beside the lesson bar.
    const bool has_output = std::find(view_ids.begin(), view_ids.end(), "program_output") != view_ids.end();
    const float wire_share = has_predict ? (has_wire ? 0.4f : 0.0f) : 1.0f;
    const float predict_share = has_predict ? (1.0f - wire_share) * (has_output ? 0.45f : 1.0f) : 0.0f;
    const float width = std::max(display_width, 1.0f);
    const float height = std::max(display_height - top, 1.0f);
    // Fractions of the area under the menu bar, tuned on a 1600x900 window: the
    // lesson's text needs a few lines, the timeline five rows, the rest the diagrams.
    // The lesson bar: a row of buttons and about eight lines of narration and checks.
    constexpr float kLessonLines = 13.0f;
    const float lesson_height =
        font_size > 0 ? std::clamp(font_size * kLessonLines, height * 0.15f, height * 0.40f) : height * 0.21f;
    const float timeline_height = height * 0.30f;
    const float lesson_width = has_wire || has_predict ? width * 0.74f : width;
    const float lower_top = top + lesson_height + timeline_height;
    // With the questions there, the side column reaches down beside the timeline too.
    const float side_height = has_predict ? lesson_height + timeline_height : lesson_height;
    const float lower_height = height - lesson_height - timeline_height;
    const float ladder_width = width * 0.33f;
    const float machine_width = width * 0.34f;
    const float right_x = ladder_width + machine_width;
    const float right_width = width - right_x;
    const float detail_height = lower_height * 0.55f;

    std::vector<PanelRect> layout;
    int unknown = 0;
    for (const std::string& id : view_ids) {
        PanelRect rect{id};
        if (id == "scenario")
            rect = {id, 0, top, lesson_width, lesson_height};
        else if (id == "wire")
            rect = {id, lesson_width, top, width - lesson_width, side_height * wire_share};
        else if (id == "predict")
            rect = {id, lesson_width, top + side_height * wire_share, width - lesson_width,
                    side_height * predict_share};
        else if (id == "timeline")
            rect = {id, 0, top + lesson_height, has_predict ? lesson_width : width, timeline_height};
        else if (id == "ladder")
            rect = {id, 0, lower_top, ladder_width, lower_height};
        else if (id == "state_machine")
            rect = {id, ladder_width, lower_top, machine_width, lower_height * 0.55f};
        else if (id == "framing")
            rect = {id, ladder_width, lower_top + lower_height * 0.55f, machine_width, lower_height * 0.45f};
        else if (id == "packet_detail")
            rect = {id, right_x, lower_top, right_width, detail_height};
        else if (id == "sockets")
            rect = {id, right_x, lower_top + detail_height, right_width, lower_height - detail_height};
        else if (id == "program_output" && has_predict)
            rect = {id, lesson_width, top + side_height * (wire_share + predict_share), width - lesson_width,
                    side_height * (1.0f - wire_share - predict_share)};
        else {
            // Cascaded, so several newcomers stay apart.
            const float offset = top * static_cast<float>(unknown++ % 8);
            rect = {id, width / 3 + offset, top + height / 4 + offset, width / 3, height / 2, true};
        }
        layout.push_back(rect);
    }
    return layout;
}

float presentation_lesson_height(float display_height, float top, float wanted) {
    const float height = std::max(display_height - top, 1.0f);
    // With no wish yet, almost half: the lesson's font then fits itself to the room.
    if (wanted <= 0) return height * 0.45f;
    return std::clamp(wanted, height * 0.25f, height * kPresentationLessonMost);
}

std::vector<PanelRect> presentation_layout(const std::vector<std::string>& view_ids, const PresentationSlots& slots,
                                           float display_width, float display_height, float top, float lesson_height) {
    const float width = std::max(display_width, 1.0f);
    const float height = std::max(display_height - top, 1.0f);
    // The lesson's words take the height they ask for; the state machine, with the most to read, the wider half.
    if (lesson_height <= 0) lesson_height = presentation_lesson_height(display_height, top, 0);
    const float left_width = width * 0.45f;
    const float lower_top = top + lesson_height;
    const float lower_height = height - lesson_height;
    std::vector<PanelRect> layout;
    for (const std::string& id : view_ids) {
        if (id == "scenario")
            layout.push_back({id, 0, top, width, lesson_height});
        else if (id == slots.left)
            layout.push_back({id, 0, lower_top, left_width, lower_height});
        else if (id == slots.right)
            layout.push_back({id, left_width, lower_top, width - left_width, lower_height});
        else
            layout.push_back({id});
    }
    return layout;
}

std::vector<PanelRect> ladder_timeline_layout(const std::vector<std::string>& view_ids, float display_width,
                                              float display_height, float top) {
    const float width = std::max(display_width, 1.0f);
    const float height = std::max(display_height - top, 1.0f);
    const float lesson_height = height * 0.24f;
    const float timeline_height = height * 0.30f;
    std::vector<PanelRect> layout;
    for (const std::string& id : view_ids) {
        if (id == "scenario")
            layout.push_back({id, 0, top, width, lesson_height});
        else if (id == "timeline")
            layout.push_back({id, 0, top + lesson_height, width, timeline_height});
        else if (id == "ladder")
            layout.push_back(
                {id, 0, top + lesson_height + timeline_height, width, height - lesson_height - timeline_height});
        else
            layout.push_back({id});
    }
    return layout;
}

}  // namespace tcplab
