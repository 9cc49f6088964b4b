#pragma once
// What the student's own programs wrote (tcplab exec, "Your programs"), each
// line marked and coloured by the host it came from, up to the cursor; and,
// while they run, an input line whose text goes to the client's standard
// input, as typing does in the terminal, and a way to end that input
// (Ctrl+D in a terminal) so a client reading until end-of-file finishes.
#include <string>
#include <vector>

#include "lab/views/view.hpp"

namespace tcplab {

class ProgramOutputView : public View {
public:
    const char* id() const override { return "program_output"; }
    void draw(LabContext& context) override;

    // The lines the last frame drew, as shown ("[server] hello").
    const std::vector<std::string>& drawn_lines() const { return drawn_lines_; }

private:
    void draw_input(LabContext& context);

    std::vector<std::string> drawn_lines_;
    size_t lines_seen_ = 0;  // lines drawn in the frame before
    bool following_ = true;  // new lines scroll into view
    char input_[512] = {};
    bool refocus_ = false;
};

}  // namespace tcplab
