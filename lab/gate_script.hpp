#pragma once
// What happens to each segment held at the wire's gate, decided ahead of time:
// `--script "drop 2; hold 4"` drops the wire's 2nd segment and lets the 5th
// overtake the 4th. Segments the script does not name are released.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "capture/result.hpp"
#include "scenarios/wire.hpp"

namespace tcplab {

enum class GateDecision { Release, Drop, Hold };

class GateScript {
public:
    // "drop N", "hold N", "release N", separated by ';' or ','. Errors name the
    // offending part and what was expected.
    static Result<GateScript> parse(const std::string& text);

    GateDecision decision_for(uint64_t segment) const;
    bool empty() const { return rules_.empty(); }

private:
    std::map<uint64_t, GateDecision> rules_;
};

// Applies decisions to what is held now: releases and drops at once; a held
// segment stays until a later segment has been released (then it follows),
// which is how a script reorders two segments. Returns what it did, in order.
struct GateMove {
    uint64_t segment;
    GateDecision decision;
};
std::vector<GateMove> plan_gate_moves(const std::vector<HeldPacket>& held, const GateScript& script,
                                      std::vector<uint64_t>& waiting_behind);

}  // namespace tcplab
