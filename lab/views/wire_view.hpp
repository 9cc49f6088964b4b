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
    void draw_gate(LabContext& context, Wire& wire);

    float latency_ms_ = 0.0f;
    float loss_percent_ = 0.0f;
    const LessonRun* synced_run_ = nullptr;  // the run the sliders were last set from
};

}  // namespace tcplab
