#include "lesson_file.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "duration.hpp"
#include "lesson_spec.hpp"

namespace tcplab {
namespace {

// A mistake in the file; caught at the top and returned as an Error.
struct LessonMistake {
    std::string message;
};

class Reader {
public:
    explicit Reader(std::string path) : path_(std::move(path)) {}

    [[noreturn]] void fail(const toml::node& where, const std::string& what) const {
        const auto& begin = where.source().begin;
        throw LessonMistake{path_ + ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column) + ": " +
                            what};
    }

    // Every key must be one this part of the file knows: a typo is an error, not a silent default.
    void allow_only(const toml::table& table, std::initializer_list<std::string_view> known,
                    const std::string& what) const {
        for (const auto& [name, node] : table) {
            if (std::find(known.begin(), known.end(), name.str()) != known.end()) continue;
            std::string list;
            for (std::string_view key : known) list += (list.empty() ? "" : ", ") + std::string(key);
            fail(node, "unknown key '" + std::string(name.str()) + "' in " + what + " (expected one of: " + list + ")");
        }
    }

    const toml::table& table_of(const toml::node& node, const std::string& what) const {
        if (const toml::table* table = node.as_table()) return *table;
        fail(node, what + " must be a table");
    }

    std::optional<std::string> text(const toml::table& table, std::string_view key) const {
        const toml::node* node = table.get(key);
        if (!node) return std::nullopt;
        if (auto value = node->value<std::string>()) return *value;
        fail(*node, "'" + std::string(key) + "' must be a string in quotes");
    }
    std::string required_text(const toml::table& table, std::string_view key, const std::string& what) const {
        if (auto value = text(table, key)) return *value;
        fail(table, what + " needs '" + std::string(key) + "'");
    }
    std::optional<int64_t> integer(const toml::table& table, std::string_view key) const {
        const toml::node* node = table.get(key);
        if (!node) return std::nullopt;
        if (auto value = node->value_exact<int64_t>()) return *value;
        fail(*node, "'" + std::string(key) + "' must be a whole number");
    }
    std::optional<double> number(const toml::table& table, std::string_view key) const {
        const toml::node* node = table.get(key);
        if (!node) return std::nullopt;
        if (auto value = node->value<double>()) return *value;
        fail(*node, "'" + std::string(key) + "' must be a number");
    }
    std::optional<bool> boolean(const toml::table& table, std::string_view key) const {
        const toml::node* node = table.get(key);
        if (!node) return std::nullopt;
        if (auto value = node->value_exact<bool>()) return *value;
        fail(*node, "'" + std::string(key) + "' must be true or false");
    }
    int64_t positive(const toml::table& table, std::string_view key, int64_t fallback, int64_t limit) const {
        const auto value = integer(table, key);
        if (!value) return fallback;
        if (*value < 0 || *value > limit)
            fail(*table.get(key), "'" + std::string(key) + "' must be between 0 and " + std::to_string(limit));
        return *value;
    }

    Actor actor(const toml::table& table, std::string_view key, bool required, const std::string& what) const {
        const auto name = text(table, key);
        if (!name) {
            if (required) fail(table, what + " needs '" + std::string(key) + "' (client or server)");
            return Actor::None;
        }
        if (*name == "client") return Actor::Client;
        if (*name == "server") return Actor::Server;
        if (*name == "attacker") return Actor::Attacker;  // spoofed sources (a flood's), for segments
        fail(*table.get(key), "'" + std::string(key) + "' must be \"client\" or \"server\", not \"" + *name + "\"");
    }

    TcpState state(const toml::table& table, std::string_view key) const {
        const std::string name = *text(table, key);
        if (auto state = state_from_name(name)) return *state;
        fail(*table.get(key), "unknown TCP state \"" + name + "\" (use the kernel's names: LISTEN, SYN_SENT, ...)");
    }

    uint8_t flags(const toml::node& where, const std::string& label) const {
        static const std::pair<const char*, uint8_t> names[] = {
            {"FIN", tcp_flag::Fin}, {"SYN", tcp_flag::Syn}, {"RST", tcp_flag::Rst}, {"PSH", tcp_flag::Psh},
            {"ACK", tcp_flag::Ack}, {"URG", tcp_flag::Urg}, {"ECE", tcp_flag::Ece}, {"CWR", tcp_flag::Cwr}};
        uint8_t flags = 0;
        std::stringstream parts(label);
        std::string part;
        while (std::getline(parts, part, '-')) {
            bool known = false;
            for (const auto& [name, bit] : names)
                if (part == name) {
                    flags |= bit;
                    known = true;
                }
            if (!known)
                fail(where, "unknown TCP flag \"" + part + "\" in \"" + label +
                                "\" (write flags like SYN, SYN-ACK, PSH-ACK, FIN-ACK, RST)");
        }
        return flags;
    }

    const std::string& path() const { return path_; }

private:
    std::string path_;
};

ActionSpec read_call(const Reader& reader, const toml::table& table, ActionSpec action) {
    action.kind = ActionSpec::Kind::Call;
    action.actor = reader.actor(table, "actor", true, "a socket call");
    if (action.actor == Actor::Attacker)
        reader.fail(*table.get("actor"), "the attacker makes no socket calls: its SYNs come from { flood = \"syn\" }");
    action.call = *reader.text(table, "call");
    const std::string& call = action.call;
    const std::string what = call + "()";
    auto need_socket = [&] { action.socket = reader.required_text(table, "socket", what); };
    auto need_address = [&] {
        action.address = reader.required_text(table, "address", what);
        if (action.address != "server" && action.address != "closed")
            reader.fail(*table.get("address"),
                        "'address' must be \"server\" (where the server listens) or "
                        "\"closed\" (a port where nothing listens)");
    };
    if (call == "socket") {
        reader.allow_only(table, {"actor", "call", "socket", "type", "wait"}, what);
        need_socket();
        action.type = reader.text(table, "type").value_or("stream");
        if (action.type != "stream" && action.type != "dgram")
            reader.fail(*table.get("type"), "'type' must be \"stream\" (TCP) or \"dgram\" (UDP)");
    } else if (call == "bind") {
        reader.allow_only(table, {"actor", "call", "socket", "address", "wait"}, what);
        need_socket();
        need_address();
    } else if (call == "connect") {
        reader.allow_only(table, {"actor", "call", "socket", "address", "count", "wait_ms", "wait"}, what);
        need_socket();
        need_address();
        action.count = reader.positive(table, "count", 0, 1000);
        action.milliseconds = reader.positive(table, "wait_ms", 0, 600'000);
        if (table.contains("wait_ms") && action.count == 0)
            reader.fail(*table.get("wait_ms"), "'wait_ms' goes with 'count' (sockets connecting at once)");
        if (action.count > 0 && !table.contains("wait_ms")) action.milliseconds = -1;  // the call timeout
    } else if (call == "listen") {
        reader.allow_only(table, {"actor", "call", "socket", "backlog", "wait"}, what);
        need_socket();
        action.backlog = reader.positive(table, "backlog", 8, 65535);
    } else if (call == "accept") {
        reader.allow_only(table, {"actor", "call", "socket", "as", "wait"}, what);
        need_socket();
        action.new_socket = reader.required_text(table, "as", what);
    } else if (call == "send") {
        reader.allow_only(table, {"actor", "call", "socket", "data", "bytes", "oob", "dontwait", "wait"}, what);
        need_socket();
        action.data = reader.text(table, "data").value_or("");
        action.bytes = reader.positive(table, "bytes", 0, 16 << 20);
        action.out_of_band = reader.boolean(table, "oob").value_or(false);
        action.dont_wait = reader.boolean(table, "dontwait").value_or(false);
        if (action.dont_wait && action.bytes == 0)
            reader.fail(*table.get("dontwait"), "send() with dontwait = true sends 'bytes' (how many)");
        if (action.data.empty() == (action.bytes == 0))
            reader.fail(table, "send() needs either 'data' (a string) or 'bytes' (how many bytes to send)");
        if (action.out_of_band && action.bytes > 0)
            reader.fail(*table.get("oob"), "send() with oob = true sends 'data', not 'bytes'");
    } else if (call == "recv") {
        reader.allow_only(table, {"actor", "call", "socket", "max", "until", "oob", "wait"}, what);
        need_socket();
        action.max_bytes = reader.positive(table, "max", 1024, 16 << 20);
        action.until = reader.positive(table, "until", 0, 16 << 20);
        action.out_of_band = reader.boolean(table, "oob").value_or(false);
        if (action.max_bytes == 0) reader.fail(*table.get("max"), "'max' must be at least 1");
        if (action.out_of_band && action.until > 0)
            reader.fail(*table.get("oob"), "recv() with oob = true reads the urgent byte once; drop 'until'");
    } else if (call == "sendto") {
        reader.allow_only(table, {"actor", "call", "socket", "data", "bytes", "address", "wait"}, what);
        need_socket();
        need_address();
        action.data = reader.text(table, "data").value_or("");
        action.bytes = reader.positive(table, "bytes", 0, 65507);  // the most one IPv4 UDP datagram holds
        if (action.data.empty() == (action.bytes == 0))
            reader.fail(table, "sendto() needs either 'data' (a string) or 'bytes' (how large a datagram)");
    } else if (call == "recvfrom") {
        reader.allow_only(table, {"actor", "call", "socket", "max", "wait"}, what);
        need_socket();
        action.max_bytes = reader.positive(table, "max", 1024, 16 << 20);
    } else if (call == "shutdown") {
        reader.allow_only(table, {"actor", "call", "socket", "how", "wait"}, what);
        need_socket();
        action.how = reader.required_text(table, "how", what);
        if (action.how != "read" && action.how != "write" && action.how != "both")
            reader.fail(*table.get("how"), "'how' must be \"read\" (SHUT_RD), \"write\" (SHUT_WR) or \"both\"");
    } else if (call == "close" || call == "recv_framed" || call == "recv_with_header") {
        reader.allow_only(table, {"actor", "call", "socket", "wait"}, what);
        need_socket();
    } else if (call == "setsockopt") {
        reader.allow_only(table, {"actor", "call", "socket", "option", "value", "wait"}, what);
        need_socket();
        action.option = reader.required_text(table, "option", what);
        static const std::set<std::string> options = {
            "SO_REUSEADDR", "SO_REUSEPORT", "SO_KEEPALIVE", "SO_RCVBUF",     "SO_SNDBUF",   "TCP_NODELAY",   "TCP_CORK",
            "TCP_QUICKACK", "TCP_MAXSEG",   "TCP_KEEPIDLE", "TCP_KEEPINTVL", "TCP_KEEPCNT", "TCP_CONGESTION"};
        if (!options.count(action.option))
            reader.fail(*table.get("option"), "unknown option \"" + action.option +
                                                  "\" (known: SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_RCVBUF, "
                                                  "SO_SNDBUF, TCP_NODELAY, TCP_CORK, TCP_QUICKACK, TCP_MAXSEG, "
                                                  "TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, TCP_CONGESTION)");
        if (action.option == "TCP_CONGESTION")
            action.data = reader.required_text(table, "value", "setsockopt(TCP_CONGESTION) (an algorithm: \"reno\")");
        else
            action.value = reader.integer(table, "value").value_or(1);
    } else if (call == "linger") {
        reader.allow_only(table, {"actor", "call", "socket", "seconds", "wait"}, what);
        need_socket();
        action.value = reader.positive(table, "seconds", 0, 3600);
    } else if (call == "send_framed") {
        reader.allow_only(table, {"actor", "call", "socket", "data", "wait"}, what);
        need_socket();
        action.data = reader.required_text(table, "data", what);
    } else if (call == "send_with_header") {
        reader.allow_only(table, {"actor", "call", "socket", "data", "file_name", "wait"}, what);
        need_socket();
        action.data = reader.required_text(table, "data", what);
        action.file_name = reader.text(table, "file_name").value_or("a.txt");
    } else if (call == "sendall") {
        reader.allow_only(table, {"actor", "call", "socket", "bytes", "wait"}, what);
        need_socket();
        action.bytes = reader.positive(table, "bytes", 0, 16 << 20);
        if (action.bytes == 0) reader.fail(table, "sendall() needs 'bytes' (how many bytes to send)");
    } else if (call == "serve") {
        reader.allow_only(table, {"actor", "call", "socket", "count", "work_ms", "wait"}, what);
        need_socket();
        if (action.actor != Actor::Server) reader.fail(*table.get("actor"), "serve() is the server's");
        action.count = reader.positive(table, "count", 1, 1000);
        action.milliseconds = reader.positive(table, "work_ms", 0, 60'000);
    } else if (call == "clients") {
        reader.allow_only(table, {"actor", "call", "count", "data", "address", "every_ms", "wait"}, what);
        if (action.actor != Actor::Client) reader.fail(*table.get("actor"), "clients() are the client's");
        need_address();
        action.count = reader.positive(table, "count", 1, 1000);
        action.data = reader.text(table, "data").value_or("hello");
        action.milliseconds = reader.positive(table, "every_ms", 0, 60'000);
    } else if (call == "kill") {
        reader.allow_only(table, {"actor", "call", "wait"}, what);
    } else if (call == "tcp_info") {
        reader.allow_only(table, {"actor", "call", "socket", "count", "every_ms", "every", "wait"}, what);
        need_socket();
        action.count = reader.positive(table, "count", 1, 100);
        action.milliseconds = reader.positive(table, "every_ms", 0, 10'000);
        if (auto every = reader.text(table, "every")) {
            if (*every != "round_trip")
                reader.fail(*table.get("every"), "'every' must be \"round_trip\" (or give 'every_ms')");
            action.per_round_trip = true;
        }
        if (action.count == 0) reader.fail(*table.get("count"), "'count' must be at least 1");
        if (action.count > 1 && action.milliseconds == 0 && !action.per_round_trip)
            reader.fail(table, "tcp_info() with count > 1 needs 'every_ms' or every = \"round_trip\"");
    } else if (call == "sleep") {
        reader.allow_only(table, {"actor", "call", "ms", "wait"}, what);
        action.milliseconds = reader.positive(table, "ms", 0, 120'000);
    } else {
        reader.fail(*table.get("call"),
                    "unknown call \"" + call +
                        "\" (known: socket, bind, listen, connect, accept, send, recv, sendto, recvfrom, shutdown, "
                        "close, setsockopt, linger, send_framed, recv_framed, send_with_header, recv_with_header, "
                        "sendall, serve, clients, kill, tcp_info, sleep)");
    }
    return action;
}

ActionSpec read_action(const Reader& reader, const toml::node& node) {
    const toml::table& table = reader.table_of(node, "an action in 'do'");
    ActionSpec action;
    action.line = static_cast<int>(node.source().begin.line);
    action.wait = reader.boolean(table, "wait").value_or(true);
    if (table.contains("call")) return read_call(reader, table, action);
    if (table.contains("pause_ms")) {
        reader.allow_only(table, {"pause_ms", "wait"}, "a pause");
        action.kind = ActionSpec::Kind::Pause;
        action.milliseconds = reader.positive(table, "pause_ms", 0, 600'000);
        return action;
    }
    if (table.contains("sysctl")) {
        reader.allow_only(table, {"sysctl", "value", "host", "wait"}, "a sysctl");
        action.kind = ActionSpec::Kind::Sysctl;
        action.name = *reader.text(table, "sysctl");
        action.data = reader.required_text(table, "value", "a sysctl");
        action.host = reader.actor(table, "host", false, "a sysctl");
        if (action.host == Actor::None) action.host = Actor::Server;
        if (action.name.rfind("net.", 0) != 0)
            reader.fail(*table.get("sysctl"), "only net.* sysctls can be set: they belong to the sandbox's namespace");
        return action;
    }
    if (table.contains("wire")) {
        const std::string what = *reader.text(table, "wire");
        if (what == "drop") {
            reader.allow_only(table, {"wire", "flags", "from", "after", "count", "wait"}, "a wire drop");
            action.kind = ActionSpec::Kind::WireDrop;
            const std::string flags = reader.required_text(table, "flags", "a wire drop");
            if (flags == "data")
                action.match = DropRule::Match::Data;
            else if (flags == "any")
                action.match = DropRule::Match::Any;
            else
                action.flags = reader.flags(*table.get("flags"), flags);
            action.actor = reader.actor(table, "from", true, "a wire drop");
            if (action.actor == Actor::Attacker)
                reader.fail(*table.get("from"), "a wire drop acts on segments from \"client\" or \"server\"");
            action.after = reader.positive(table, "after", 0, 100'000);
            action.count = reader.positive(table, "count", 1, 1000);
            // A drop rule acts on segments that the next calls cause.
            action.wait = reader.boolean(table, "wait").value_or(false);
        } else if (what == "inject") {
            reader.allow_only(table, {"wire", "flags", "from", "port", "seq", "ack", "wait"}, "a wire injection");
            action.kind = ActionSpec::Kind::WireInject;
            action.flags = reader.flags(*table.get("wire"), reader.required_text(table, "flags", "a wire injection"));
            action.actor = reader.actor(table, "from", true, "a wire injection");
            if (action.actor == Actor::Attacker)
                reader.fail(*table.get("from"), "a wire injection comes from \"client\" or \"server\"");
            action.port = reader.positive(table, "port", 0, 65535);
            if (action.actor == Actor::Client && action.port == 0)
                reader.fail(table, "a segment injected from the client needs 'port': the client port it claims");
            action.seq = static_cast<uint32_t>(reader.positive(table, "seq", 0, UINT32_MAX));
            action.ack = static_cast<uint32_t>(reader.positive(table, "ack", 0, UINT32_MAX));
        } else if (what == "latency") {
            reader.allow_only(table, {"wire", "ms", "wait"}, "a wire latency");
            action.kind = ActionSpec::Kind::WireLatency;
            action.milliseconds = reader.positive(table, "ms", 0, 10'000);
        } else if (what == "loss") {
            reader.allow_only(table, {"wire", "percent", "wait"}, "a wire loss");
            action.kind = ActionSpec::Kind::WireLoss;
            action.percent = reader.number(table, "percent").value_or(0);
            if (action.percent < 0 || action.percent > 100)
                reader.fail(*table.get("percent"), "'percent' must be between 0 and 100");
        } else if (what == "cut" || what == "mend") {
            reader.allow_only(table, {"wire", "wait"}, "a wire " + what);
            action.kind = ActionSpec::Kind::WireCut;
            action.cut = what == "cut";
        } else {
            reader.fail(*table.get("wire"),
                        "unknown wire action \"" + what + "\" (known: drop, inject, latency, loss, cut, mend)");
        }
        return action;
    }
    if (table.contains("flood")) {
        reader.allow_only(table, {"flood", "count", "rate", "sources", "seed", "wait"}, "a flood");
        if (*reader.text(table, "flood") != "syn")
            reader.fail(*table.get("flood"), "the only flood is \"syn\" (spoofed SYNs injected on the wire)");
        action.kind = ActionSpec::Kind::Flood;
        action.count = reader.positive(table, "count", 1000, 100'000'000);
        action.rate = reader.positive(table, "rate", 0, 10'000'000);
        action.sources = reader.positive(table, "sources", 100, 1 << 16);
        action.seed = reader.positive(table, "seed", 1, INT64_MAX);
        return action;
    }
    if (table.contains("skip")) {
        reader.allow_only(table, {"skip", "wait"}, "a skip");
        if (*reader.text(table, "skip") != "time_wait")
            reader.fail(*table.get("skip"), "the only thing to skip is \"time_wait\"");
        action.kind = ActionSpec::Kind::SkipTimeWait;
        return action;
    }
    if (table.contains("reboot")) {
        reader.allow_only(table, {"reboot", "wait"}, "a reboot");
        action.kind = ActionSpec::Kind::Reboot;
        action.host = reader.actor(table, "reboot", true, "a reboot");
        if (action.host == Actor::Attacker) reader.fail(*table.get("reboot"), "reboot \"client\" or \"server\"");
        return action;
    }
    reader.fail(node,
                "an action needs 'call' (with 'actor'), 'pause_ms', 'sysctl', 'wire', 'flood', 'skip' or 'reboot'");
}

CheckSpec read_check(const Reader& reader, const toml::node& node, bool is_choice) {
    const toml::table& table = reader.table_of(node, is_choice ? "a choice" : "an expectation");
    CheckSpec check;
    check.line = static_cast<int>(node.source().begin.line);
    const std::string what = is_choice ? "a choice" : "an expectation";
    std::vector<std::string_view> common = {"exactly", "at_least", "at_most"};
    if (is_choice) {
        common.push_back("label");
        common.push_back("why");
    } else {
        common.push_back("key");
    }
    auto allow = [&](std::initializer_list<std::string_view> own) {
        std::vector<std::string_view> all(own);
        all.insert(all.end(), common.begin(), common.end());
        for (const auto& [name, value] : table)
            if (std::find(all.begin(), all.end(), name.str()) == all.end()) {
                std::string list;
                for (std::string_view key : all) list += (list.empty() ? "" : ", ") + std::string(key);
                reader.fail(value, "unknown key '" + std::string(name.str()) + "' in " + what +
                                       " (expected one of: " + list + ")");
            }
    };
    if (!is_choice) check.key = reader.required_text(table, "key", what);
    check.exactly = reader.integer(table, "exactly");
    check.at_least = reader.integer(table, "at_least");
    check.at_most = reader.integer(table, "at_most");

    if (table.contains("call")) {
        allow({"call", "actor", "result", "result_at_least", "result_at_most", "errno", "data", "took_at_least_ms",
               "took_at_most_ms"});
        check.kind = CheckSpec::Kind::Call;
        check.subject = *reader.text(table, "call");
        check.actor = reader.actor(table, "actor", true, what);
        check.result = reader.integer(table, "result");
        check.result_at_least = reader.integer(table, "result_at_least");
        check.result_at_most = reader.integer(table, "result_at_most");
        check.data = reader.text(table, "data");
        check.took_at_least_ms = reader.integer(table, "took_at_least_ms");
        check.took_at_most_ms = reader.integer(table, "took_at_most_ms");
        if (auto name = reader.text(table, "errno")) {
            int found = 0;
            for (int number = 1; number < 200 && !found; ++number)
                if (const char* known = strerrorname_np(number); known && *name == known) found = number;
            if (!found) reader.fail(*table.get("errno"), "unknown errno name \"" + *name + "\" (e.g. ECONNREFUSED)");
            check.error_number = found;
        }
    } else if (table.contains("state")) {
        allow({"state", "actor", "reached"});
        check.kind = CheckSpec::Kind::State;
        check.state = reader.state(table, "state");
        check.actor = reader.actor(table, "actor", true, what);
        check.reached = reader.boolean(table, "reached").value_or(true);
    } else if (table.contains("segment")) {
        allow({"segment", "from", "rel_seq", "rel_ack", "len", "len_at_least", "len_at_most", "retransmission",
               "urgent", "window", "window_at_least"});
        check.kind = CheckSpec::Kind::Segment;
        check.subject = *reader.text(table, "segment");
        if (check.subject != "any" && check.subject != "data")
            check.flags = reader.flags(*table.get("segment"), check.subject);
        check.actor = reader.actor(table, "from", false, what);
        check.rel_seq = reader.integer(table, "rel_seq");
        check.rel_ack = reader.integer(table, "rel_ack");
        check.length = reader.integer(table, "len");
        check.length_at_least = reader.integer(table, "len_at_least");
        check.length_at_most = reader.integer(table, "len_at_most");
        check.retransmission = reader.boolean(table, "retransmission");
        check.urgent = reader.integer(table, "urgent");
        check.window = reader.integer(table, "window");
        check.window_at_least = reader.integer(table, "window_at_least");
    } else if (table.contains("sockets")) {
        allow({"sockets", "actor", "seen_by"});
        check.kind = CheckSpec::Kind::Sockets;
        check.state = reader.state(table, "sockets");
        if (auto seen_by = reader.text(table, "seen_by")) {
            if (*seen_by != "ss" && *seen_by != "any")
                reader.fail(*table.get("seen_by"), "'seen_by' must be \"ss\" (the socket dumps only) or \"any\"");
            check.dumps_only = *seen_by == "ss";
        }
        check.actor = reader.actor(table, "actor", true, what);
    } else if (table.contains("counter")) {
        allow({"counter"});
        check.kind = CheckSpec::Kind::Counter;
        check.subject = *reader.text(table, "counter");
        if (check.subject.find('.') == std::string::npos)
            reader.fail(*table.get("counter"),
                        "name a counter as GROUP.NAME, e.g. \"TcpExt.ListenOverflows\" or \"Tcp.ActiveOpens\"");
    } else if (table.contains("timer")) {
        allow({"timer", "actor"});
        check.kind = CheckSpec::Kind::Timer;
        check.subject = *reader.text(table, "timer");
        if (check.subject != "timewait") reader.fail(*table.get("timer"), "the only timer checked is \"timewait\"");
        check.actor = reader.actor(table, "actor", true, what);
    } else if (table.contains("distinct")) {
        allow({"distinct", "from"});
        check.kind = CheckSpec::Kind::DistinctIsn;
        if (*reader.text(table, "distinct") != "isn")
            reader.fail(*table.get("distinct"), "the only thing counted as distinct is \"isn\"");
        check.actor = reader.actor(table, "from", true, what);
    } else if (table.contains("random")) {
        allow({"random", "from"});
        check.kind = CheckSpec::Kind::RandomIsn;
        if (*reader.text(table, "random") != "isn")
            reader.fail(*table.get("random"), "the only thing checked as random is \"isn\"");
        check.actor = reader.actor(table, "from", true, what);
    } else if (table.contains("connections")) {
        allow({"connections", "actor", "same_local"});
        check.kind = CheckSpec::Kind::Connections;
        check.state = reader.state(table, "connections");
        check.actor = reader.actor(table, "actor", true, what);
        check.same_local = reader.boolean(table, "same_local");
    } else if (table.contains("together")) {
        allow({"together", "at_least_ms", "at_most_ms"});
        check.kind = CheckSpec::Kind::StatesTogether;
        const toml::table& ends = reader.table_of(*table.get("together"), "'together'");
        reader.allow_only(ends, {"client", "server"}, "'together'");
        if (!ends.contains("client") || !ends.contains("server"))
            reader.fail(*table.get("together"), "'together' names both ends: { client = \"...\", server = \"...\" }");
        check.state = reader.state(ends, "client");
        check.peer_state = reader.state(ends, "server");
        check.at_least_ms = reader.integer(table, "at_least_ms");
        check.at_most_ms = reader.integer(table, "at_most_ms");
    } else if (table.contains("span")) {
        allow({"span", "actor", "at_least_ms", "at_most_ms"});
        check.kind = CheckSpec::Kind::Span;
        check.subject = *reader.text(table, "span");
        check.actor = reader.actor(table, "actor", true, what);
        check.at_least_ms = reader.integer(table, "at_least_ms");
        check.at_most_ms = reader.integer(table, "at_most_ms");
    } else if (table.contains("fragments")) {
        allow({"fragments", "from"});
        check.kind = CheckSpec::Kind::Fragments;
        if (*reader.text(table, "fragments") != "ip")
            reader.fail(*table.get("fragments"), "'fragments' counts IPv4 fragments: write fragments = \"ip\"");
        check.actor = reader.actor(table, "from", false, what);
    } else if (table.contains("flags_seen")) {
        allow({"flags_seen", "in"});
        check.kind = CheckSpec::Kind::FlagsSeen;
        check.flags = reader.flags(*table.get("flags_seen"), *reader.text(table, "flags_seen"));
        const std::string scope = reader.text(table, "in").value_or("step");
        if (scope != "step" && scope != "lesson")
            reader.fail(*table.get("in"), "'in' must be \"step\" (the default) or \"lesson\" (since it began)");
        check.whole_lesson = scope == "lesson";
    } else if (table.contains("tcp_info")) {
        allow({"tcp_info", "actor", "reading"});
        check.kind = CheckSpec::Kind::TcpInfo;
        check.subject = *reader.text(table, "tcp_info");
        static const std::set<std::string> fields = {"cwnd",        "ssthresh",      "rtt_ms",   "rto_ms",
                                                     "retransmits", "total_retrans", "doublings"};
        if (!fields.count(check.subject))
            reader.fail(*table.get("tcp_info"),
                        "unknown TCP_INFO field \"" + check.subject +
                            "\" (known: cwnd, ssthresh, rtt_ms, rto_ms, retransmits, total_retrans, doublings)");
        check.actor = reader.actor(table, "actor", true, what);
        check.reading = reader.text(table, "reading").value_or("last");
        if (check.reading != "first" && check.reading != "last" && check.reading != "largest")
            reader.fail(*table.get("reading"), "'reading' must be \"first\", \"last\" (the default) or \"largest\"");
    } else if (table.contains("resent_after") || table.contains("backoff")) {
        const bool resent = table.contains("resent_after");
        const std::string name = resent ? "resent_after" : "backoff";
        if (resent)
            allow({"resent_after", "from", "at_least_ms", "at_most_ms"});
        else
            allow({"backoff", "from"});
        check.kind = resent ? CheckSpec::Kind::ResentAfter : CheckSpec::Kind::Backoff;
        check.subject = *reader.text(table, name);
        if (check.subject != "data")
            reader.fail(*table.get(name), "'" + name + "' looks at data segments: write " + name + " = \"data\"");
        check.actor = reader.actor(table, "from", true, what);
        check.at_least_ms = reader.integer(table, "at_least_ms");
        check.at_most_ms = reader.integer(table, "at_most_ms");
    } else {
        reader.fail(node, what +
                              " needs one of 'call', 'state', 'segment', 'sockets', 'counter', 'timer', "
                              "'distinct', 'random', 'connections', 'together', 'span', 'fragments', "
                              "'flags_seen', 'tcp_info', 'resent_after', 'backoff'");
    }
    if (is_choice) check.key = reader.required_text(table, "label", what);
    return check;
}

const toml::array& array_of(const Reader& reader, const toml::table& table, std::string_view key,
                            const std::string& what) {
    const toml::node* node = table.get(key);
    if (!node) reader.fail(table, what + " needs '" + std::string(key) + "'");
    if (const toml::array* array = node->as_array()) return *array;
    reader.fail(*node, "'" + std::string(key) + "' must be a list: [ {...}, {...} ] or [[" + what + "]] tables");
}

PredictSpec read_predict(const Reader& reader, const toml::node& node) {
    const toml::table& table = reader.table_of(node, "'predict'");
    reader.allow_only(table, {"question", "choices"}, "'predict'");
    PredictSpec predict;
    predict.question_key = reader.required_text(table, "question", "'predict'");
    for (const toml::node& choice : array_of(reader, table, "choices", "predict.choices")) {
        CheckSpec claim = read_check(reader, choice, true);
        const std::string why = reader.text(reader.table_of(choice, "a choice"), "why").value_or("");
        predict.choices.push_back({claim.key, claim, why});
    }
    if (predict.choices.size() < 2) reader.fail(node, "'predict' needs at least two choices");
    return predict;
}

StepSpec read_step(const Reader& reader, const toml::node& node) {
    const toml::table& table = reader.table_of(node, "a [[step]]");
    reader.allow_only(table, {"key", "do", "expect", "predict", "show"}, "a [[step]]");
    StepSpec step;
    step.line = static_cast<int>(node.source().begin.line);
    step.key = reader.required_text(table, "key", "a [[step]]");
    for (const toml::node& action : array_of(reader, table, "do", "step.do"))
        step.actions.push_back(read_action(reader, action));
    if (step.actions.empty()) reader.fail(node, "a step needs at least one action in 'do'");
    if (table.contains("expect"))
        for (const toml::node& check : array_of(reader, table, "expect", "step.expect"))
            step.expectations.push_back(read_check(reader, check, false));
    if (const toml::node* predict = table.get("predict")) step.predict = read_predict(reader, *predict);
    if (const toml::node* show = table.get("show")) {
        // A segment, written as a choice without label: { segment = "PSH-ACK", from = "client" }.
        const toml::table& segment = reader.table_of(*show, "'show'");
        if (!segment.contains("segment"))
            reader.fail(*show, "'show' names a segment: { segment = \"PSH-ACK\", from = \"client\" }");
        toml::table claim = segment;
        claim.insert("key", "show");
        step.show = read_check(reader, claim, false);
    }
    return step;
}

LessonSettings read_settings(const Reader& reader, const toml::table& table) {
    reader.allow_only(table,
                      {"topology", "latency", "mtu", "loss", "settle_limit_ms", "call_timeout_s", "sysctl", "capture"},
                      "[settings]");
    LessonSettings settings;
    const std::string topology = reader.text(table, "topology").value_or("loopback");
    if (topology != "loopback" && topology != "two-hosts")
        reader.fail(*table.get("topology"), "'topology' must be \"loopback\" or \"two-hosts\"");
    settings.two_hosts = topology == "two-hosts";
    settings.needs_wire = settings.two_hosts;
    if (auto latency = reader.text(table, "latency")) {
        const auto duration = parse_duration(*latency);
        if (!duration) reader.fail(*table.get("latency"), "'latency' must look like \"40ms\", \"1s\" or \"500us\"");
        settings.latency = *duration;
    }
    if (auto mtu = reader.integer(table, "mtu")) {
        if (*mtu < 576 || *mtu > 65535) reader.fail(*table.get("mtu"), "'mtu' must be between 576 and 65535");
        settings.mtu = static_cast<uint32_t>(*mtu);
    }
    if (auto loss = reader.number(table, "loss")) {
        if (*loss < 0 || *loss > 100) reader.fail(*table.get("loss"), "'loss' must be a percentage, 0 to 100");
        settings.loss = *loss / 100.0;
    }
    if ((settings.latency || settings.mtu || settings.loss) && !settings.two_hosts)
        reader.fail(table, "latency, mtu and loss need topology = \"two-hosts\" (they are the wire's)");
    if (auto capture = reader.text(table, "capture")) {
        if (*capture != "packets" && *capture != "bursts")
            reader.fail(*table.get("capture"),
                        "'capture' must be \"packets\" (each at once, the default) or "
                        "\"bursts\" (in batches, for a flood)");
        settings.burst_capture = *capture == "bursts";
    }
    settings.settle_limit =
        std::chrono::milliseconds(reader.positive(table, "settle_limit_ms", settings.settle_limit.count(), 600'000));
    settings.call_timeout_seconds =
        static_cast<int>(reader.positive(table, "call_timeout_s", settings.call_timeout_seconds, 600));
    if (table.contains("sysctl"))
        for (const toml::node& node : array_of(reader, table, "sysctl", "settings.sysctl")) {
            const toml::table& entry = reader.table_of(node, "a sysctl");
            reader.allow_only(entry, {"host", "name", "value"}, "a sysctl");
            SysctlSetting setting;
            setting.host = reader.actor(entry, "host", false, "a sysctl");
            if (setting.host == Actor::None) setting.host = Actor::Server;
            setting.name = reader.required_text(entry, "name", "a sysctl");
            setting.value = reader.required_text(entry, "value", "a sysctl");
            if (setting.name.rfind("net.", 0) != 0)
                reader.fail(node, "only net.* sysctls can be set: they belong to the sandbox's namespace");
            settings.sysctls.push_back(setting);
        }
    return settings;
}

void flatten_texts(const toml::table& table, const std::string& prefix, std::map<std::string, std::string>& out) {
    for (const auto& [name, node] : table) {
        const std::string key = prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
        if (const toml::table* inner = node.as_table())
            flatten_texts(*inner, key, out);
        else if (auto text = node.value<std::string>())
            out[key] = *text;
    }
}

// Checks that cannot be seen one table at a time: sockets used before they are made.
void check_sockets(const Reader& reader, const LessonSpec& lesson) {
    std::map<Actor, std::set<std::string>> made;
    for (const StepSpec& step : lesson.steps)
        for (const ActionSpec& action : step.actions) {
            if (action.kind != ActionSpec::Kind::Call || action.call == "sleep" || action.call == "clients") continue;
            std::set<std::string>& sockets = made[action.actor];
            if (action.call == "kill") {  // the process is gone, and every socket with it
                sockets.clear();
                continue;
            }
            if (action.call == "socket") {
                sockets.insert(action.socket);
                continue;
            }
            if (action.call == "connect" && action.count > 0) {  // makes NAME1..NAMEn itself
                for (int64_t index = 1; index <= action.count; ++index)
                    sockets.insert(action.socket + std::to_string(index));
                continue;
            }
            if (!sockets.count(action.socket))
                throw LessonMistake{reader.path() + ":" + std::to_string(action.line) + ": the " +
                                    std::string(actor_name(action.actor)) + " has no socket named \"" + action.socket +
                                    "\" yet (make it with call = \"socket\", or name the one accept() made)"};
            if (action.call == "accept") sockets.insert(action.new_socket);
        }
}

LessonSpec read_lesson(const Reader& reader, const toml::table& root, LessonEntry& entry) {
    reader.allow_only(root, {"name", "order", "settings", "step", "text"}, "the lesson");
    LessonSpec lesson;
    lesson.name = reader.required_text(root, "name", "the lesson");
    if (lesson.name.empty() || lesson.name.find_first_of(" /\\") != std::string::npos)
        reader.fail(*root.get("name"), "'name' must be one word, e.g. \"handshake\" (it names the lesson's texts)");
    lesson.order = static_cast<int>(reader.positive(root, "order", 100, 10'000));
    if (const toml::node* settings = root.get("settings"))
        lesson.settings = read_settings(reader, reader.table_of(*settings, "[settings]"));
    for (const toml::node& step : array_of(reader, root, "step", "step"))
        lesson.steps.push_back(read_step(reader, step));
    if (lesson.steps.empty()) reader.fail(root, "a lesson needs at least one [[step]]");
    if (const toml::node* texts = root.get("text")) {
        const toml::table& by_language = reader.table_of(*texts, "[text]");
        for (const auto& [code, node] : by_language)
            flatten_texts(reader.table_of(node, "[text." + std::string(code.str()) + "]"), "",
                          entry.texts[std::string(code.str())]);
    }
    check_sockets(reader, lesson);
    return lesson;
}

}  // namespace

Result<LessonEntry> parse_lesson(std::string_view text, const std::string& path_for_messages) {
    const Reader reader(path_for_messages);
    toml::table root;
    try {
        root = toml::parse(text, path_for_messages);
    } catch (const toml::parse_error& error) {
        const auto& begin = error.source().begin;
        return Error{path_for_messages + ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column) +
                         ": not valid TOML: " + std::string(error.description()),
                     "see docs/lessons.md for the format"};
    }
    LessonEntry entry;
    try {
        auto lesson = std::make_shared<const LessonSpec>(read_lesson(reader, root, entry));
        entry.name = lesson->name;
        entry.settings = lesson->settings;
        entry.path = path_for_messages;
        entry.build = [lesson](const Addresses& addresses) { return make_lesson(*lesson, addresses); };
        entry.order = lesson->order;
    } catch (const LessonMistake& mistake) {
        return Error{mistake.message, "see docs/lessons.md for the format"};
    }
    return entry;
}

Result<LessonEntry> load_lesson_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return Error{path + ": cannot open the lesson file: " + std::strerror(errno), ""};
    std::stringstream content;
    content << file.rdbuf();
    return parse_lesson(content.str(), path);
}

Result<LessonEntry> find_lesson(const std::string& name_or_path) {
    const bool is_path =
        name_or_path.find('/') != std::string::npos || (name_or_path.size() > 5 && name_or_path.ends_with(".toml"));
    if (is_path) return load_lesson_file(name_or_path);
    if (const LessonEntry* entry = find_builtin_lesson(name_or_path)) return *entry;
    std::string names;
    for (const LessonEntry& entry : lesson_catalog()) names += (names.empty() ? "" : ", ") + entry.name;
    return Error{"no lesson named \"" + name_or_path + "\"", "pick one of: " + names + ", or give a lesson file"};
}

std::vector<LessonEntry> load_lesson_folder(const std::string& folder, std::vector<Error>& errors) {
    std::vector<LessonEntry> lessons;
    std::error_code error;
    std::vector<std::filesystem::path> files;
    for (const auto& item : std::filesystem::directory_iterator(folder, error))
        if (item.path().extension() == ".toml") files.push_back(item.path());
    if (error) errors.push_back(Error{folder + ": cannot list the lessons: " + error.message(), ""});
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        auto lesson = load_lesson_file(file.string());
        if (lesson)
            lessons.push_back(std::move(lesson.value()));
        else
            errors.push_back(lesson.error());
    }
    std::stable_sort(lessons.begin(), lessons.end(),
                     [](const LessonEntry& a, const LessonEntry& b) { return a.order < b.order; });
    return lessons;
}

}  // namespace tcplab
