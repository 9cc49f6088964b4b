#pragma once
// Connects the user's terminal to a shell's terminal on a lab host (the
// master side of its pty), as ssh does: keys go to the shell, its output to
// the screen, the window size follows, and the user's terminal is raw (so
// Ctrl-C, Ctrl-Z and the arrows reach the shell) until the shell ends.
// The lab's own event lines can be printed between the shell's output.
#include <termios.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "capture/result.hpp"

namespace tcplab {

class TerminalRelay {
public:
    // Relays between `shell_terminal` (which the relay closes at the end) and
    // the descriptors `in` and `out`, on a thread of its own.
    static Result<std::unique_ptr<TerminalRelay>> start(int shell_terminal, int in = 0, int out = 1);
    ~TerminalRelay();  // stops relaying and gives the terminal back as it was
    TerminalRelay(const TerminalRelay&) = delete;
    TerminalRelay& operator=(const TerminalRelay&) = delete;

    // True once the shell's terminal hung up (every process on it ended).
    bool finished() const { return finished_; }
    // A stream for lines printed between the shell's output: each line is
    // written whole, with the \r\n a raw terminal needs.
    std::FILE* lines() const { return lines_; }

private:
    TerminalRelay() = default;
    void relay();
    void write_out(const char* data, size_t size);
    static ssize_t write_lines(void* cookie, const char* data, size_t size);

    int shell_terminal_ = -1;
    int in_ = 0;
    int out_ = 1;
    bool raw_ = false;
    termios saved_{};
    std::FILE* lines_ = nullptr;
    std::mutex out_mutex_;  // the relay's chunks and the lines do not cut into each other
    int stop_fd_ = -1;
    std::atomic<bool> finished_{false};
    std::thread thread_;
};

}  // namespace tcplab
