#pragma once
// The example programs of assets/examples/: pairs of a server and a client
// that mirror the course (echo, 粘包, length prefix, file transfer with a
// JSON header, a threaded server, a reset), run with `tcplab exec --example`.
#include <string>
#include <vector>

#include "capture/result.hpp"

namespace tcplab {

struct ProgramExample {
    std::string name;                 // "echo"; its texts are example.<name>.title, .summary, .look_for
    std::vector<std::string> server;  // argv; script paths made absolute
    std::vector<std::string> client;
    std::string directory;  // the programs' working directory
};

// Reads <asset_dir>/examples/examples.toml.
Result<std::vector<ProgramExample>> load_examples(const std::string& asset_dir);

}  // namespace tcplab
