#include "evidence.hpp"

#include <nlohmann/json.hpp>

namespace tcplab {
namespace {

// {"k": key, "a": [args]} or a JSON string for a literal: small, and a
// recording stays readable with any JSON tool.
nlohmann::json to_json(const Evidence& evidence) {
    if (evidence.key.empty()) return evidence.text;
    nlohmann::json args = nlohmann::json::array();
    for (const Evidence& arg : evidence.args) args.push_back(to_json(arg));
    return {{"k", evidence.key}, {"a", args}};
}

// Nesting deeper than this is not something a check writes: a crafted file
// must not make the reader recurse without end.
constexpr int kMaxDepth = 8;

bool from_json(const nlohmann::json& json, Evidence& out, int depth) {
    if (depth > kMaxDepth) return false;
    if (json.is_string()) {
        out = Evidence::literal(json.get<std::string>());
        return true;
    }
    if (!json.is_object() || !json.contains("k") || !json["k"].is_string()) return false;
    out = Evidence{json["k"].get<std::string>(), {}, {}};
    if (!json.contains("a")) return true;
    if (!json["a"].is_array()) return false;
    for (const nlohmann::json& arg : json["a"]) {
        Evidence converted;
        if (!from_json(arg, converted, depth + 1)) return false;
        out.args.push_back(std::move(converted));
    }
    return true;
}

void collect_literals(const Evidence& evidence, std::string& out) {
    if (evidence.key.empty()) {
        if (evidence.text.empty()) return;
        if (!out.empty()) out += " · ";
        out += evidence.text;
        return;
    }
    for (const Evidence& arg : evidence.args) collect_literals(arg, out);
}

}  // namespace

std::string encode_evidence(const Evidence& evidence) { return to_json(evidence).dump(); }

Evidence decode_evidence(std::string_view text) {
    if (text.empty() || (text.front() != '{' && text.front() != '"')) return Evidence::literal(std::string(text));
    const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    Evidence evidence;
    if (json.is_discarded() || !from_json(json, evidence, 0)) return Evidence::literal(std::string(text));
    return evidence;
}

std::string evidence_plain_text(const Evidence& evidence) {
    std::string out;
    collect_literals(evidence, out);
    return out;
}

}  // namespace tcplab
