#pragma once
// Step mode in the terminal: while a step runs on two hosts, every segment
// stops at the wire's gate and the student decides (release, drop, hold), or a
// script decides for them. The kernel's timers keep running meanwhile.
#include <cstdio>
#include <optional>
#include <vector>

#include "gate_script.hpp"
#include "i18n.hpp"
#include "scenarios/run.hpp"

namespace tcplab {

class TerminalGate {
public:
    // With a script no question is asked; otherwise answers are read from `in`.
    TerminalGate(const Language& language, std::optional<GateScript> script, std::FILE* in = stdin,
                 std::FILE* out = stdout);

    // Runs the next step to its end, deciding each held segment on the way.
    const StepOutcome& run_step(LessonRun& run);
    // Decides the segments held at the gate now (for a caller polling the run itself).
    void decide(LessonRun& run);

private:
    void ask(LessonRun& run, const HeldPacket& packet);
    std::string describe(const LessonRun& run, const HeldPacket& packet) const;
    std::optional<char> read_answer(LessonRun& run);

    const Language& language_;
    std::optional<GateScript> script_;
    std::FILE* in_;
    std::FILE* out_;
    bool release_everything_ = false;
    std::vector<uint64_t> waiting_behind_;  // segments held until a later one goes
    std::vector<uint64_t> asked_;           // segments the student already decided on
};

}  // namespace tcplab
