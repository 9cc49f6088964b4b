#pragma once
// "Predict, then see" in the window: before a step with a question the view
// asks it, the student picks an answer, and after the step it shows what the
// kernel did and whether the pick was right. Also the class's "skip the wait"
// for TIME_WAIT sockets. Questions can be switched off for a demonstration.
#include <map>

#include "lab/views/view.hpp"

namespace tcplab {

class PredictView : public View {
public:
    const char* id() const override { return "predict"; }
    void draw(LabContext& context) override;

private:
    void draw_skip_wait(LabContext& context, const LessonRun& run);

    bool asking_ = true;
    uint64_t run_seen_ = 0;           // picks belong to one run (StepController::run_number)
    std::map<size_t, size_t> picks_;  // step index → chosen answer
};

}  // namespace tcplab
