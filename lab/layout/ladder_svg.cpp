#include "ladder_svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "lab/i18n.hpp"
#include "lab/layout/arrowhead.hpp"

namespace tcplab {
namespace {

std::string escape_xml(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                // XML 1.0 allows no control characters but tab, newline and return.
                if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
                    out += ' ';
                else
                    out += c;
        }
    }
    return out;
}

std::string rgb(uint32_t colour) {
    return fmt::format("#{:02x}{:02x}{:02x}", colour & 0xFF, (colour >> 8) & 0xFF, (colour >> 16) & 0xFF);
}

float top_of(const LadderRecord& record) {
    if (record.kind == LadderRecordKind::Arrow) return std::min({record.y0, record.y1, record.label_y0});
    return std::min(record.y0, record.y1);
}

float bottom_of(const LadderRecord& record) {
    if (record.kind == LadderRecordKind::Arrow) return std::max({record.y0, record.y1, record.label_y1});
    return std::max(record.y0, record.y1);
}

class SvgWriter {
public:
    SvgWriter(const LadderSvgStyle& style, float shift) : style_(style), shift_(shift) {}

    void line(float x0, float y0, float x1, float y1, uint32_t colour, float width, const char* dash = nullptr) {
        out_ +=
            fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="{:.1f}")",
                        x0, y(y0), x1, y(y1), rgb(colour), width);
        if (dash) out_ += fmt::format(R"( stroke-dasharray="{}")", dash);
        out_ += "/>\n";
    }
    void text(float x, float top, const std::string& content, uint32_t colour, const char* anchor = "start") {
        // The layout places a label by its top; SVG places text by its baseline.
        out_ += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" fill="{}" text-anchor="{}">{}</text>)", x,
                            y(top) + style_.font_size * 0.95f, rgb(colour), anchor, escape_xml(content));
        out_ += "\n";
    }
    void raw(const std::string& text) { out_ += text; }
    float y(float layout_y) const { return layout_y - shift_; }
    std::string& out() { return out_; }

private:
    const LadderSvgStyle& style_;
    float shift_;
    std::string out_;
};

}  // namespace

float monospace_text_width(std::string_view text, float font_size) {
    float columns = 0;
    for (size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        columns += length >= 3 ? 2.0f : 1.0f;
        i += length;
    }
    return columns * font_size * 0.6f;
}

std::string ladder_svg(const LadderLayout& layout, float width, const LadderSvgStyle& style, int64_t from_ns) {
    std::vector<const LadderRecord*> kept;
    for (const LadderRecord& record : layout.records)
        if (record.time_ns >= from_ns) kept.push_back(&record);

    const float line = style.font_size * 1.25f;
    const float header = line + 12.0f;  // the lane headings
    float first = 0, last = line;
    if (!kept.empty()) {
        first = top_of(*kept.front());
        last = 0;
        for (const LadderRecord* record : kept) {
            first = std::min(first, top_of(*record));
            last = std::max(last, bottom_of(*record));
        }
    }
    // Moves the first kept record up to just below the headings.
    const float shift = first - header - 6.0f;
    const float height = last - shift + line;

    SvgWriter svg(style, shift);
    svg.raw(fmt::format(
        R"(<?xml version="1.0" encoding="UTF-8"?>)"
        "\n"
        R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0:.0f}" height="{1:.0f}" viewBox="0 0 {0:.0f} {1:.0f}" font-family="{2}" font-size="{3:.1f}">)"
        "\n",
        width, height, escape_xml(style.font_family), style.font_size));
    if (!style.title.empty()) svg.raw("<title>" + escape_xml(style.title) + "</title>\n");
    svg.raw(fmt::format(R"(<rect x="0" y="0" width="100%" height="100%" fill="{}"/>)"
                        "\n",
                        rgb(style.background)));

    // Lane headings, centred on their lanes but kept inside the picture.
    const auto heading = [&](const std::string& text, float lane_x, uint32_t colour) {
        const float text_width = monospace_text_width(text, style.font_size);
        const float x = std::clamp(lane_x - text_width * 0.5f, 2.0f, std::max(2.0f, width - text_width - 2.0f));
        svg.raw(fmt::format(R"(<text class="heading" x="{:.1f}" y="{:.1f}" fill="{}" font-weight="bold">{}</text>)"
                            "\n",
                            x, style.font_size + 4.0f, rgb(colour), escape_xml(text)));
    };
    heading(style.client_heading, layout.client_x, style.client);
    heading(style.server_heading, layout.server_x, style.server);

    // The lanes, broken where a pause was shortened (dashed there), as in the window.
    for (const bool server : {false, true}) {
        const float x = server ? layout.server_x : layout.client_x;
        const uint32_t colour = server ? style.server : style.client;
        float from = shift + header;
        for (const LadderRecord* record : kept) {
            if (record->kind != LadderRecordKind::Gap) continue;
            svg.line(x, from, x, record->y0, colour, 2.0f);
            svg.line(x, record->y0, x, record->y1, colour, 1.0f, "3 3");
            from = record->y1;
        }
        svg.line(x, from, x, last + line * 0.5f, colour, 2.0f);
    }

    for (const LadderRecord* pointer : kept) {
        const LadderRecord& record = *pointer;
        switch (record.kind) {
            case LadderRecordKind::Arrow: {
                svg.raw(fmt::format(R"(<g class="arrow" data-packet="{}">)"
                                    "\n",
                                    record.index));
                const float length = std::hypot(record.x1 - record.x0, record.y1 - record.y0);
                const bool head = !record.in_flight && length > 0;
                const Arrowhead tip =
                    arrowhead(record.x0, record.y0, record.x1, record.y1, head ? std::min(9.0f, length * 0.5f) : 0.0f);
                svg.line(record.x0, record.y0, tip.base_x, tip.base_y, record.colour, 2.0f,
                         record.in_flight ? "6 4" : nullptr);
                if (head)
                    svg.raw(fmt::format(R"(<polygon points="{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}" fill="{}"/>)"
                                        "\n",
                                        tip.tip_x, svg.y(tip.tip_y), tip.left_x, svg.y(tip.left_y), tip.right_x,
                                        svg.y(tip.right_y), rgb(record.colour)));
                svg.text(record.label_x0, record.label_y0, record.text, record.colour);
                svg.raw("</g>\n");
                break;
            }
            case LadderRecordKind::StateLabel: {
                const uint32_t owner = record.actor == Actor::Server ? style.server : style.client;
                const float x = record.x0 - 4.0f, y = svg.y(record.y0) - 1.0f;
                const float w = record.x1 - record.x0 + 8.0f, h = record.y1 - record.y0 + 2.0f;
                if (record.inferred) {
                    // Dashed and dim: no kernel source said so.
                    svg.raw(fmt::format(
                        R"(<g class="state inferred"><rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" rx="3" fill="{}" fill-opacity="0.85" stroke="{}" stroke-dasharray="4 3"/>)"
                        "\n",
                        x, y, w, h, rgb(style.background), rgb(record.colour)));
                    svg.text(record.x0, record.y0, record.text, style.text_dim);
                } else {
                    svg.raw(fmt::format(
                        R"(<g class="state"><rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" rx="3" fill="{}" fill-opacity="0.35" stroke="{}"/>)"
                        "\n",
                        x, y, w, h, rgb(record.colour), rgb(owner)));
                    svg.text(record.x0, record.y0, record.text, style.text);
                }
                svg.raw("</g>\n");
                break;
            }
            case LadderRecordKind::CallLabel:
                svg.raw(R"(<g class="call" opacity="0.9">)");
                svg.text(record.x0, record.y0, record.text, record.colour);
                svg.raw("</g>\n");
                break;
            case LadderRecordKind::Gap: {
                const std::string text = fill_placeholders(style.gap_pattern, {record.text});
                const float middle = (layout.client_x + layout.server_x) * 0.5f;
                const float text_width = monospace_text_width(text, style.font_size);
                const float y = (record.y0 + record.y1) * 0.5f;
                const uint32_t colour = record.colour ? record.colour : style.text_dim;
                svg.raw(R"(<g class="gap" opacity="0.8">)");
                svg.line(layout.client_x + 8.0f, y, middle - text_width * 0.5f - 8.0f, y, colour, 1.0f, "3 3");
                svg.line(middle + text_width * 0.5f + 8.0f, y, layout.server_x - 8.0f, y, colour, 1.0f, "3 3");
                svg.text(middle, y - line * 0.5f, text, colour, "middle");
                svg.raw("</g>\n");
                break;
            }
        }
    }
    svg.raw("</svg>\n");
    return std::move(svg.out());
}

}  // namespace tcplab
