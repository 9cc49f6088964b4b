// libFuzzer target for the wire's gate scripts (`--script "drop 2; hold 4"`),
// typed by hand on the command line and in the window: any text gives a script
// or an error, and a script's plan for any held segments stays consistent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "lab/gate_script.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const tcplab::Result<tcplab::GateScript> script = tcplab::GateScript::parse(text);
    if (!script) return 0;
    // Segments 1..8 arrive one at a time; every one must be decided exactly once
    // or still be waiting behind another at the end.
    std::vector<tcplab::HeldPacket> held;
    std::vector<uint64_t> waiting_behind;
    size_t decided = 0;
    for (uint64_t segment = 1; segment <= 8; ++segment) {
        tcplab::HeldPacket packet{};
        packet.segment = segment;
        held.push_back(packet);
        for (const tcplab::GateMove& move : tcplab::plan_gate_moves(held, script.value(), waiting_behind)) {
            std::erase_if(held, [&](const tcplab::HeldPacket& p) { return p.segment == move.segment; });
            ++decided;
        }
    }
    if (decided + held.size() != 8) std::abort();
    return 0;
}
