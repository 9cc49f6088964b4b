#include "gate_script.hpp"

#include <algorithm>
#include <sstream>

namespace tcplab {
namespace {

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) return "";
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

}  // namespace

Result<GateScript> GateScript::parse(const std::string& text) {
    GateScript script;
    std::string normalized = text;
    std::replace(normalized.begin(), normalized.end(), ',', ';');
    std::stringstream parts(normalized);
    for (std::string part; std::getline(parts, part, ';');) {
        part = trimmed(part);
        if (part.empty()) continue;
        std::stringstream words(part);
        std::string verb;
        long long segment = 0;
        std::string extra;
        words >> verb >> segment;
        if (!words || segment <= 0 || (words >> extra))
            return Error{"cannot read \"" + part + "\" in the script",
                         "write actions like \"drop 2\", \"hold 4\" or \"release 3\", separated by ';'"};
        GateDecision decision;
        if (verb == "drop")
            decision = GateDecision::Drop;
        else if (verb == "hold")
            decision = GateDecision::Hold;
        else if (verb == "release")
            decision = GateDecision::Release;
        else
            return Error{"unknown action \"" + verb + "\" in the script", "the actions are drop, hold and release"};
        script.rules_[static_cast<uint64_t>(segment)] = decision;
    }
    return script;
}

GateDecision GateScript::decision_for(uint64_t segment) const {
    auto found = rules_.find(segment);
    return found == rules_.end() ? GateDecision::Release : found->second;
}

std::vector<GateMove> plan_gate_moves(const std::vector<HeldPacket>& held, const GateScript& script,
                                      std::vector<uint64_t>& waiting_behind) {
    std::vector<GateMove> moves;
    std::vector<HeldPacket> ordered = held;
    std::sort(ordered.begin(), ordered.end(),
              [](const HeldPacket& a, const HeldPacket& b) { return a.segment < b.segment; });
    bool released_any = false;
    for (const HeldPacket& packet : ordered) {
        const bool already_waiting =
            std::find(waiting_behind.begin(), waiting_behind.end(), packet.segment) != waiting_behind.end();
        if (already_waiting) continue;
        const GateDecision decision = script.decision_for(packet.segment);
        if (decision == GateDecision::Hold) {
            waiting_behind.push_back(packet.segment);
            continue;
        }
        moves.push_back({packet.segment, decision});
        released_any = released_any || decision == GateDecision::Release;
    }
    // Held segments follow once something behind them has gone ahead.
    if (released_any) {
        for (uint64_t segment : waiting_behind) moves.push_back({segment, GateDecision::Release});
        waiting_behind.clear();
    }
    return moves;
}

}  // namespace tcplab
