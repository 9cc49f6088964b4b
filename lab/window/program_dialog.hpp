#pragma once
// "Your programs" in the lesson picker: a small window that asks for the
// server's and the client's command lines, or one of the example pairs
// (assets/examples/examples.toml) as a preset, and hands them back to start.
#include <optional>
#include <string>
#include <vector>

#include "lab/exec_command.hpp"
#include "lab/i18n.hpp"
#include "scenarios/program_examples.hpp"

namespace tcplab {

class ProgramDialog {
public:
    void open() { open_ = true; }
    void close() { open_ = false; }
    bool is_open() const { return open_; }
    // Why the last start failed (a bad command line, a program not found); shown until the next try.
    void show_error(std::string what) { error_ = std::move(what); }

    // Draws the dialog while it is open; what to run once Start is pressed.
    std::optional<ProgramCommandSettings> draw(const Language& language);
    // Where the last frame drew the Start button and the two command-line
    // fields (their centres; the fields only without a preset), for tests.
    struct Places {
        float start_x = 0, start_y = 0;
        float server_x = 0, server_y = 0;
        float client_x = 0, client_y = 0;
    };
    const Places& places() const { return places_; }

private:
    void load_examples_once();

    bool open_ = false;
    bool examples_loaded_ = false;
    std::vector<ProgramExample> examples_;
    std::string examples_error_;
    int example_ = -1;  // -1: the command lines typed below
    char server_[512] = {};
    char client_[512] = {};
    std::string error_;
    Places places_;
};

}  // namespace tcplab
