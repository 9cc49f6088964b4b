#include "predict_prompt.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <sstream>

#include "terminal_view.hpp"

namespace tcplab {

std::optional<std::vector<size_t>> parse_answers(const std::string& text) {
    std::vector<size_t> picks;
    std::stringstream parts(text);
    std::string part;
    while (std::getline(parts, part, ',')) {
        char* end = nullptr;
        const long value = std::strtol(part.c_str(), &end, 10);
        if (part.empty() || *end != '\0' || value < 1) return std::nullopt;
        picks.push_back(static_cast<size_t>(value));
    }
    if (picks.empty()) return std::nullopt;
    return picks;
}

PredictPrompt::PredictPrompt(const Language& language, PredictOptions options, std::FILE* out, std::FILE* in)
    : language_(language), options_(std::move(options)), out_(out), in_(in) {}

namespace {

// The wrapped lines of a feedback text, under the answer they explain.
std::string indented(std::string text) {
    while (!text.empty() && text.back() == '\n') text.pop_back();
    std::string out;
    for (char c : text) {
        out += c;
        if (c == '\n') out += "    ";
    }
    return out;
}

}  // namespace

// "The kernel: x+1", with the colon the language writes.
std::string PredictPrompt::labelled(const std::string& label_key, const std::string& value) const {
    return fmt::format(fmt::runtime(language_.text("predict.label_value")), language_.text(label_key), value);
}

// A label that names a language key is shown in the student's language; a
// literal ("x+1", "SYN_RECV", "3") is shown as written.
std::string PredictPrompt::label(const std::string& label) const {
    return language_.has(label) ? language_.text(label) : label;
}

std::optional<size_t> PredictPrompt::ask(const LessonRun& run, size_t index) {
    if (!options_.enabled || index >= run.lesson().steps.size()) return std::nullopt;
    const auto& question = run.lesson().steps[index].predict;
    if (!question) return std::nullopt;
    const size_t number = questions_asked_++;

    fmt::print(out_, "\n? {}\n", labelled("predict.ask", language_.text(question->question_key)));
    for (size_t choice = 0; choice < question->choices.size(); ++choice)
        fmt::print(out_, "    {}) {}\n", choice + 1, label(question->choices[choice].label));

    std::optional<size_t> picked;
    if (number < options_.answers.size()) {
        picked = options_.answers[number] - 1;
        fmt::print(out_, "  > {}\n", options_.answers[number]);
    } else if (options_.ask_on_terminal) {
        fmt::print(out_, "  > ");
        std::fflush(out_);
        char line[64] = {};
        if (std::fgets(line, sizeof line, in_)) {
            char* end = nullptr;
            const long value = std::strtol(line, &end, 10);
            if (end != line && value >= 1) picked = static_cast<size_t>(value - 1);
        }
    }
    if (picked && *picked >= question->choices.size()) picked.reset();
    std::fflush(out_);
    return picked;
}

void PredictPrompt::tell(const LessonRun& run, const StepOutcome& outcome, std::optional<size_t> picked) {
    if (!options_.enabled || outcome.index >= run.lesson().steps.size()) return;
    const auto& question = run.lesson().steps[outcome.index].predict;
    if (!question || outcome.choices.empty()) return;

    std::string kernel;
    std::string detail;
    std::optional<size_t> first_right;
    for (size_t choice = 0; choice < outcome.choices.size() && choice < question->choices.size(); ++choice)
        if (outcome.choices[choice].result.passed) {
            kernel += (kernel.empty() ? "" : ", ") + label(question->choices[choice].label);
            if (!first_right) first_right = choice;
            if (detail.empty()) detail = language_.evidence(outcome.choices[choice].result.evidence);
        }
    if (kernel.empty()) kernel = "—";
    fmt::print(out_, "  ? {}", labelled("predict.kernel_answer", kernel));
    if (!detail.empty()) fmt::print(out_, "  {}", fmt::format(fmt::runtime(language_.text("app.evidence")), detail));
    fmt::print(out_, "\n");
    // Why: for the student's pick, right or wrong; without a pick, for the kernel's answer.
    const std::optional<size_t> explained = picked && *picked < question->choices.size() ? picked : first_right;
    const std::string why = explained ? question->choices[*explained].why : std::string();
    if (!picked) {
        fmt::print(out_, "    {}\n", language_.text("predict.skipped"));
        if (!why.empty()) fmt::print(out_, "    {}\n", indented(wrap_for_terminal(language_.text(why), 88)));
        return;
    }
    ++made_;
    const bool was_right = *picked < outcome.choices.size() && outcome.choices[*picked].result.passed;
    right_ += was_right ? 1 : 0;
    fmt::print(out_, "    {} {}\n", was_right ? "✓" : "✗",
               labelled("predict.your_answer", label(question->choices[*picked].label) + " — " +
                                                   language_.text(was_right ? "predict.right" : "predict.wrong")));
    if (!why.empty()) fmt::print(out_, "    {}\n", indented(wrap_for_terminal(language_.text(why), 88)));
}

}  // namespace tcplab
