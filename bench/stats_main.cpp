// tcplab-stats: `tcplab stats FILE` without the window's libraries, for
// measuring on machines (or build trees) where the full program is not built.
// Same code, same output: lab/stats_command.hpp.
#include <CLI/CLI.hpp>

#include "lab/i18n.hpp"
#include "lab/stats_command.hpp"

int main(int argc, char** argv) {
    std::string path;
    bool json = false;
    bool stream = false;
    CLI::App app{"tcplab-stats: open a capture headless and print what it cost (as tcplab stats)"};
    app.add_option("file", path, "a pcap or pcapng file")->required();
    app.add_flag("--json", json, "one JSON object");
    app.add_flag("--stream", stream, "read it as read_trace does, copying every frame (for comparison)");
    CLI11_PARSE(app, argc, argv);
    auto language = tcplab::Language::load("en");
    if (!language) {
        std::fprintf(stderr, "tcplab-stats: %s\n", language.error().what.c_str());
        return 2;
    }
    return tcplab::run_stats_command(path, json, stream ? tcplab::OpenEngine::Stream : tcplab::OpenEngine::Indexed,
                                     language.value());
}
