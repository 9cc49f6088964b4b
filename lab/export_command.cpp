#include "export_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "capture/capture_index.hpp"
#include "capture/transition_merger.hpp"
#include "capture/wire_copies.hpp"
#include "exit_codes.hpp"
#include "json_lines.hpp"
#include "layout/ladder_input.hpp"
#include "layout/ladder_svg.hpp"
#include "layout/palette.hpp"
#include "merge_by_time.hpp"
#include "open_command.hpp"

namespace tcplab {
namespace {

using Object = nlohmann::ordered_json;

// The CSV's columns, in order; the JSON objects use the same names.
const std::vector<std::string> kColumns = {
    "kind",           "time_ns",   "offset_ns", "connection",   "sender",       "source",   "destination",
    "flags",          "seq",       "ack",       "seq_absolute", "ack_absolute", "length",   "window",
    "retransmission", "actor",     "local",     "remote",       "from_state",   "to_state", "state_source",
    "call",           "arguments", "result",    "errno",        "step",         "text"};

Object row_base(const char* kind, int64_t time, int64_t start) {
    return Object{{"kind", kind}, {"time_ns", time}, {"offset_ns", time - start}};
}

const char* wire_by(WireActor by) {
    return by == WireActor::Student ? "student" : by == WireActor::Lesson ? "scenario" : "wire";
}

Object packet_row(const Trace& trace, const PacketEvent& packet, int64_t start) {
    Object object = row_base("packet", packet.time_ns, start);
    if (packet.transport == Transport::Tcp && !packet.decode_failed) {
        object["connection"] = packet.connection;
        object["sender"] = actor_name(trace.sender_actor(packet));
        add_segment_numbers(object, trace, packet);
        object["length"] = packet.payload_length;
        object["window"] = packet.window;
        object["retransmission"] = packet.retransmission != 0;
    } else {
        // Not a TCP segment we could decode: what tcpdump would say about it.
        object["length"] = packet.original_length;
        object["text"] = format_tcpdump_line(trace.decode(packet));
    }
    return object;
}

Object state_row(const Trace& trace, const StateEvent& state, int64_t start) {
    Object object = row_base("state", state.time_ns, start);
    if (state.connection != kNoConnection) object["connection"] = state.connection;
    object["actor"] = actor_name(trace.actor_of(state));
    object["local"] = state.local.to_string();
    if (state.remote.port != 0) object["remote"] = state.remote.to_string();
    object["from_state"] = state_name(state.from);
    object["to_state"] = state_name(state.to);
    object["state_source"] = source_name(state.source);
    return object;
}

Object call_row(const CallEvent& call, int64_t start) {
    Object object = row_base("call", call.time_ns, start);
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
    // A traced program's call: which one made it (JSON only; the CSV keeps its columns).
    if (call.process != 0) {
        if (never_returned(call)) object["never_returned"] = true;  // its process ended while it waited
        object["program"] = call.program;
        object["process"] = call.process;
        object["thread"] = call.thread;
    }
    return object;
}

// A line a student's program wrote: its label ("server") as the sender.
Object output_row(const OutputEvent& line, int64_t start) {
    Object object = row_base("output", line.time_ns, start);
    object["sender"] = line.label;
    object["actor"] = actor_name(line.actor);
    object["text"] = line.text;
    return object;
}

Object note_row(const NoteEvent& note, int64_t start) {
    Object object = row_base("note", note.time_ns, start);
    if (note.step >= 0) object["step"] = note.step;
    object["text"] = note.key;
    return object;
}

Object wire_row(const WireEvent& wire, int64_t start) {
    Object object = row_base("wire", wire.time_ns, start);
    object["actor"] = wire_by(wire.by);
    object["text"] = fmt::format("#{} {} {}", wire.segment, wire_action_name(wire.action),
                                 wire.direction == WireDirection::ToServer ? "to_server" : "to_client");
    return object;
}

// Hands each row to `emit` in time order, merging the trace's sorted
// lists as it goes, so a capture of millions of packets is never held as rows.
// Between equal times the order is packets, states, calls, notes, wire
// actions, programs' output lines.
void for_each_row(const Trace& trace, const ExportRange& range, const std::function<void(const Object&)>& emit) {
    const int64_t start = trace.start_ns();
    const auto packets = events_between(trace.packets(), range.after_ns, range.until_ns);
    const auto states = events_between(trace.states(), range.after_ns, range.until_ns);
    const auto calls = events_between(trace.calls(), range.after_ns, range.until_ns);
    const auto notes = events_between(trace.notes(), range.after_ns, range.until_ns);
    const auto wires = events_between(trace.wire_events(), range.after_ns, range.until_ns);
    const auto outputs = events_between(trace.outputs(), range.after_ns, range.until_ns);
    merge_by_time({
        {packets.size(), [&](size_t i) { return packets[i].time_ns; },
         [&](size_t i) { emit(packet_row(trace, packets[i], start)); }},
        {states.size(), [&](size_t i) { return states[i].time_ns; },
         [&](size_t i) { emit(state_row(trace, states[i], start)); }},
        {calls.size(), [&](size_t i) { return calls[i].time_ns; }, [&](size_t i) { emit(call_row(calls[i], start)); }},
        {notes.size(), [&](size_t i) { return notes[i].time_ns; }, [&](size_t i) { emit(note_row(notes[i], start)); }},
        {wires.size(), [&](size_t i) { return wires[i].time_ns; }, [&](size_t i) { emit(wire_row(wires[i], start)); }},
        {outputs.size(), [&](size_t i) { return outputs[i].time_ns; },
         [&](size_t i) { emit(output_row(outputs[i], start)); }},
    });
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

void write_json_lines(const Trace& trace, const ExportRange& range, const LineWriter& write) {
    for_each_row(trace, range, [&write](const Object& row) {
        write(row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    });
}

void write_csv(const Trace& trace, const ExportRange& range, const LineWriter& write) {
    std::string line;
    for (size_t column = 0; column < kColumns.size(); ++column) line += (column ? "," : "") + kColumns[column];
    write(line + "\r\n");  // RFC 4180 line ends, which spreadsheets expect
    for_each_row(trace, range, [&write, &line](const Object& row) {
        line.clear();
        for (size_t column = 0; column < kColumns.size(); ++column) {
            if (column) line += ',';
            const auto found = row.find(kColumns[column]);
            if (found != row.end()) line += csv_field(*found);
        }
        write(line + "\r\n");
    });
}

std::string trace_json_lines(const Trace& trace, const ExportRange& range) {
    std::string out;
    write_json_lines(trace, range, [&out](std::string_view line) { out += line; });
    return out;
}

std::string trace_csv(const Trace& trace, const ExportRange& range) {
    std::string out;
    write_csv(trace, range, [&out](std::string_view line) { out += line; });
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
    LadderInput input = lab_ladder_input(trace, transitions, palette, language, copies, line,
                                         [](std::string_view text) { return monospace_text_width(text, kFontSize); });
    input.width = kWidth;
    input.cursor_ns = range.until_ns == std::numeric_limits<int64_t>::max() ? 0 : range.until_ns;
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
        return exit_code::kFileUnreadable;
    }
    const LoadedTrace* loaded = &opened->loaded;
    if (loaded->fault)
        std::fprintf(stderr, "tcplab: %s\n  %s\n", language.text("record.fault").c_str(),
                     loaded->fault->message().c_str());
    auto range = export_range(*loaded, settings, language);
    if (!range) {
        std::fprintf(stderr, "tcplab: %s\n", range.error().what.c_str());
        return exit_code::kUsage;
    }
    const bool to_stdout = settings.out.empty() || settings.out == "-";
    std::ofstream file;
    if (!to_stdout) file.open(settings.out, std::ios::binary | std::ios::trunc);
    // Rows are written as they are made: a large capture is never held as text.
    const LineWriter write = [&](std::string_view text) {
        if (to_stdout)
            std::fwrite(text.data(), 1, text.size(), stdout);
        else
            file.write(text.data(), static_cast<std::streamsize>(text.size()));
    };
    if (settings.format == "csv") {
        write_csv(loaded->trace, *range, write);
    } else if (settings.format == "svg") {
        std::string title = std::filesystem::path(settings.path).filename().string();
        if (loaded->lesson && language.has(loaded->lesson->title_key))
            title = language.text(loaded->lesson->title_key) + " — " + title;
        write(trace_ladder_svg(*loaded, *range, language, title));
    } else {
        write_json_lines(loaded->trace, *range, write);
    }
    if (!to_stdout) {
        file.close();
        if (!file) {
            std::fprintf(stderr, "tcplab: %s\n",
                         fmt::format(fmt::runtime(language.text("record.cannot_write")), settings.out).c_str());
            return exit_code::kCannotWrite;
        }
        std::fprintf(stderr, "%s\n", fmt::format(fmt::runtime(language.text("record.exported")), settings.out).c_str());
    }
    return loaded->fault ? exit_code::kFileDamaged : exit_code::kOk;
}

}  // namespace tcplab
