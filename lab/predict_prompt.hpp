#pragma once
// "Predict, then see" in the terminal: before a step with a question, show
// it with numbered choices and take the student's answer; after the step, show
// what the kernel did and whether the prediction was right.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "i18n.hpp"
#include "scenarios/run.hpp"

namespace tcplab {

struct PredictOptions {
    bool enabled = true;               // --no-predict: a demonstration, no questions
    std::vector<size_t> answers = {};  // --answers 2,1: picks (from 1) for the questions in order
    bool ask_on_terminal = false;      // read picks from stdin (an interactive terminal)
};

// "2,1,3" → {2, 1, 3}; nullopt when it is not a list of positive numbers.
std::optional<std::vector<size_t>> parse_answers(const std::string& text);

class PredictPrompt {
public:
    PredictPrompt(const Language& language, PredictOptions options, std::FILE* out = stdout, std::FILE* in = stdin);

    // Before step `index` runs. Returns the chosen choice (from 0), if any.
    std::optional<size_t> ask(const LessonRun& run, size_t index);
    // After the step: the kernel's answer, and the student's pick judged.
    void tell(const LessonRun& run, const StepOutcome& outcome, std::optional<size_t> picked);

    // How many predictions were right, of how many made.
    size_t right() const { return right_; }
    size_t made() const { return made_; }

private:
    std::string label(const std::string& label) const;
    std::string labelled(const std::string& label_key, const std::string& value) const;

    const Language& language_;
    PredictOptions options_;
    std::FILE* out_;
    std::FILE* in_;
    size_t questions_asked_ = 0;
    size_t right_ = 0;
    size_t made_ = 0;
};

}  // namespace tcplab
