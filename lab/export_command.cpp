#include "export_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "capture/capture_index.hpp"
#include "capture/state_timeline.hpp"
#include "capture/wire_copies.hpp"
#include "layout/ladder_svg.hpp"
#include "open_command.hpp"
#include "palette.hpp"

namespace tcplab {
namespace {

using Object = nlohmann::ordered_json;

constexpr int kExitUsage = 64;
constexpr int kExitCannotWrite = 73;  // EX_CANTCREAT

// The CSV's columns, in order; the JSON objects use the same names.
const std::vector<std::string> kColumns = {
    "kind",           "time_ns",   "offset_ns", "connection",   "sender",       "source",   "destination",
    "flags",          "seq",       "ack",       "seq_absolute", "ack_absolute", "length",   "window",
    "retransmission", "actor",     "local",     "remote",       "from_state",   "to_state", "state_source",
    "call",           "arguments", "result",    "errno",        "step",         "text"};

struct Row {
    int64_t time_ns;
    Object object;
};

const char* wire_by(WireActor by) {
    return by == WireActor::Student ? "student" : by == WireActor::Scenario ? "scenario" : "wire";
}

std::vector<Row> export_rows(const Trace& trace, const ExportRange& range) {
    const int64_t start = trace.start_ns();
    const auto in_range = [&](int64_t time) { return time > range.after_ns && time <= range.until_ns; };
    const auto base = [&](const char* kind, int64_t time) {
        return Object{{"kind", kind}, {"time_ns", time}, {"offset_ns", time - start}};
    };
    std::vector<Row> rows;
    for (const PacketEvent& packet : trace.packets()) {
        if (!in_range(packet.time_ns)) continue;
        Object object = base("packet", packet.time_ns);
        if (packet.transport == Transport::Tcp && !packet.decode_failed) {
            object["connection"] = packet.connection;
            object["sender"] = actor_name(trace.sender_actor(packet));
            object["source"] = trace.sender(packet).to_string();
            object["destination"] = trace.receiver(packet).to_string();
            object["flags"] = flags_label(packet.flags);
            object["seq"] = trace.relative_seq(packet);
            object["ack"] = trace.relative_ack(packet);
            object["seq_absolute"] = packet.seq;
            object["ack_absolute"] = packet.ack;
            object["length"] = packet.payload_length;
            object["window"] = packet.window;
            object["retransmission"] = packet.retransmission != 0;
        } else {
            // Not a TCP segment we could decode: what tcpdump would say about it.
            object["length"] = packet.original_length;
            object["text"] = format_tcpdump_line(trace.decode(packet));
        }
        rows.push_back({packet.time_ns, std::move(object)});
    }
    for (const StateEvent& state : trace.states()) {
        if (!in_range(state.time_ns)) continue;
        Object object = base("state", state.time_ns);
        if (state.connection != kNoConnection) object["connection"] = state.connection;
        object["actor"] = actor_name(trace.actor_of(state));
        object["local"] = state.local.to_string();
        if (state.remote.port != 0) object["remote"] = state.remote.to_string();
        object["from_state"] = state_name(state.from);
        object["to_state"] = state_name(state.to);
        object["state_source"] = source_name(state.source);
        rows.push_back({state.time_ns, std::move(object)});
    }
    for (const CallEvent& call : trace.calls()) {
        if (!in_range(call.time_ns)) continue;
        Object object = base("call", call.time_ns);
        object["actor"] = actor_name(call.actor);
        if (call.local.port != 0) object["local"] = call.local.to_string();
        object["call"] = call.call;
        object["arguments"] = call.arguments;
        object["result"] = call.result;
        if (call.error_number != 0) {
            const char* name = strerrorname_np(call.error_number);
            object["errno"] = name ? std::string(name) : std::to_string(call.error_number);
        }
        if (!call.data.empty()) object["text"] = call.data;
        rows.push_back({call.time_ns, std::move(object)});
    }
    for (const NoteEvent& note : trace.notes()) {
        if (!in_range(note.time_ns)) continue;
        Object object = base("note", note.time_ns);
        if (note.step >= 0) object["step"] = note.step;
        object["text"] = note.key;
        rows.push_back({note.time_ns, std::move(object)});
    }
    for (const WireEvent& wire : trace.wire_events()) {
        if (!in_range(wire.time_ns)) continue;
        Object object = base("wire", wire.time_ns);
        object["actor"] = wire_by(wire.by);
        object["text"] = fmt::format("#{} {} {}", wire.segment, wire_action_name(wire.action),
                                     wire.direction == WireDirection::ToServer ? "to_server" : "to_client");
        rows.push_back({wire.time_ns, std::move(object)});
    }
    // Each list is in time order; a stable sort keeps that order between equal times.
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.time_ns < b.time_ns; });
    return rows;
}

std::string csv_field(const Object& value) {
    if (value.is_null()) return "";
    std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (const char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

// The steps "a" or "a-b", counted from 1.
std::optional<std::pair<size_t, size_t>> parse_steps(const std::string& text) {
    size_t first = 0, last = 0;
    const size_t dash = text.find('-');
    try {
        size_t used = 0;
        first = std::stoul(text.substr(0, dash), &used);
        if (used != text.substr(0, dash).size()) return std::nullopt;
        last = first;
        if (dash != std::string::npos) {
            const std::string second = text.substr(dash + 1);
            last = std::stoul(second, &used);
            if (used != second.size()) return std::nullopt;
        }
    } catch (...) {
        return std::nullopt;
    }
    if (first == 0 || last < first) return std::nullopt;
    return std::make_pair(first, last);
}

}  // namespace

Result<ExportRange> export_range(const LoadedTrace& loaded, const ExportSettings& settings, const Language& language) {
    ExportRange range;
    const int64_t start = loaded.trace.start_ns();
    if (settings.from_ns) range.after_ns = start + *settings.from_ns - 1;
    if (settings.to_ns) range.until_ns = start + *settings.to_ns;
    if (settings.steps.empty()) return range;
    const auto steps = parse_steps(settings.steps);
    if (!steps) return Error{fmt::format(fmt::runtime(language.text("record.bad_steps")), settings.steps), ""};
    const std::vector<ReplayedStep> recorded = replayed_steps(loaded);
    if (steps->second > recorded.size())
        return Error{fmt::format(fmt::runtime(language.text("record.no_such_steps")), settings.steps, recorded.size()),
                     ""};
    range.after_ns = std::max(range.after_ns, recorded[steps->first - 1].after_ns);
    range.until_ns = std::min(range.until_ns, recorded[steps->second - 1].outcome.end_ns);
    return range;
}

std::string trace_json_lines(const Trace& trace, const ExportRange& range) {
    std::string out;
    for (const Row& row : export_rows(trace, range))
        out += row.object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    return out;
}

std::string trace_csv(const Trace& trace, const ExportRange& range) {
    std::string out;
    for (size_t column = 0; column < kColumns.size(); ++column) out += (column ? "," : "") + kColumns[column];
    out += "\r\n";  // RFC 4180 line ends, which spreadsheets expect
    for (const Row& row : export_rows(trace, range)) {
        for (size_t column = 0; column < kColumns.size(); ++column) {
            if (column) out += ',';
            const auto found = row.object.find(kColumns[column]);
            if (found != row.object.end()) out += csv_field(*found);
        }
        out += "\r\n";
    }
    return out;
}

std::string trace_ladder_svg(const LoadedTrace& loaded, const ExportRange& range, const Language& language,
                             const std::string& title) {
    const Trace& trace = loaded.trace;
    const Palette palette = Palette::standard();
    constexpr float kFontSize = 15.0f;
    constexpr float kWidth = 960.0f;
    const float line = kFontSize * 1.25f;
    const std::vector<StateEvent> transitions = observed_transitions(trace);
    const WireCopies copies = pair_wire_copies(trace);
    const LadderInput input{
        .trace = trace,
        .transitions = transitions,
        .width = kWidth,
        .cursor_ns = range.until_ns == std::numeric_limits<int64_t>::max() ? 0 : range.until_ns,
        .relative_numbers = true,
        .selected_packet = std::nullopt,
        .hovered_packet = std::nullopt,
        .colours =
            LadderColours{
                .for_flags = [&palette](uint8_t flags, uint32_t length) { return palette.for_flags(flags, length); },
                .kernel_state = palette.kernel_state,
                .inferred_state = palette.inferred_state,
                .client = palette.client,
                .server = palette.server,
                .gap = palette.text_dim,
            },
        .text_width = [](std::string_view text) { return monospace_text_width(text, kFontSize); },
        .line_height = line,
        .row_height = line * 2.2f,
        .slant = std::round(line * 0.6f),
        .label_padding = 6.0f,
        .min_outer_margin = line * 3.0f,
        .top_margin = 4.0f,
        .gap_height = line + 8.0f,
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
    const LadderLayout layout = layout_ladder(input);

    LadderSvgStyle style;
    style.background = palette.background;
    style.text = palette.text;
    style.text_dim = palette.text_dim;
    style.client = palette.client;
    style.server = palette.server;
    style.font_size = kFontSize;
    style.client_heading = language.text("actor.client");
    style.server_heading = language.text("actor.server");
    if (!trace.connections().empty()) {
        style.client_heading += "  " + trace.connections().front().client.to_string();
        style.server_heading += "  " + trace.connections().front().server.to_string();
    }
    style.gap_pattern = language.text("diagrams.ladder.gap");
    style.title = title;
    return ladder_svg(layout, kWidth, style,
                      range.after_ns == std::numeric_limits<int64_t>::min() ? range.after_ns : range.after_ns + 1);
}

int export_file(const ExportSettings& settings, const Language& language) {
    auto opened = open_capture(settings.path);
    if (!opened) {
        std::fprintf(stderr, "tcplab: %s\n", opened.error().what.c_str());
        return kExitFileUnreadable;
    }
    const LoadedTrace* loaded = &opened->loaded;
    if (loaded->fault)
        std::fprintf(stderr, "tcplab: %s\n  %s\n", language.text("record.fault").c_str(),
                     loaded->fault->message().c_str());
    auto range = export_range(*loaded, settings, language);
    if (!range) {
        std::fprintf(stderr, "tcplab: %s\n", range.error().what.c_str());
        return kExitUsage;
    }
    std::string text;
    if (settings.format == "csv") {
        text = trace_csv(loaded->trace, *range);
    } else if (settings.format == "svg") {
        std::string title = std::filesystem::path(settings.path).filename().string();
        if (loaded->lesson && language.has(loaded->lesson->title_key))
            title = language.text(loaded->lesson->title_key) + " — " + title;
        text = trace_ladder_svg(*loaded, *range, language, title);
    } else {
        text = trace_json_lines(loaded->trace, *range);
    }
    if (settings.out.empty() || settings.out == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
    } else {
        std::ofstream file(settings.out, std::ios::binary | std::ios::trunc);
        file.write(text.data(), static_cast<std::streamsize>(text.size()));
        file.close();
        if (!file) {
            std::fprintf(stderr, "tcplab: %s\n",
                         fmt::format(fmt::runtime(language.text("record.cannot_write")), settings.out).c_str());
            return kExitCannotWrite;
        }
        std::fprintf(stderr, "%s\n", fmt::format(fmt::runtime(language.text("record.exported")), settings.out).c_str());
    }
    return loaded->fault ? kExitFileDamaged : 0;
}

}  // namespace tcplab
