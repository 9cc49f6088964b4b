#pragma once
// The wire between the two hosts: the segments waiting at the gate, with
// release and drop for each, and the wire's latency, loss and gate switch.
// For loopback runs it offers to switch to two hosts.
#include "lab/views/view.hpp"

namespace tcplab {

class WireView : public View {
public:
    const char* id() const override { return "wire"; }
    void draw(LabContext& context) override;

private:
    void draw_setup(LabContext& context);
    void draw_gate(LabContext& context, const Wire& wire);

    float latency_ms_ = 0.0f;
    float loss_percent_ = 0.0f;
    uint64_t synced_run_ = 0;  // StepController::run_number() the sliders were last set from (0: none)
};

}  // namespace tcplab
