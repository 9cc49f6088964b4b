#pragma once
// What is typed for a student's program in the window, on its way to the
// program's standard input. Lines are queued from any thread (the window's
// input line queues while it draws) and written to a pipe between frames, so
// drawing never waits on a program that does not read. The read end stays
// open here as well, so a program that has exited makes no SIGPIPE.
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "capture/result.hpp"

namespace tcplab {

class ProgramInput {
public:
    static Result<std::unique_ptr<ProgramInput>> open();
    ~ProgramInput();
    ProgramInput(const ProgramInput&) = delete;
    ProgramInput& operator=(const ProgramInput&) = delete;

    // The descriptor the program reads as its standard input (the session
    // duplicates it for the program).
    int program_end() const { return read_fd_; }

    // A line for the program; the line break is added.
    void queue(const std::string& line);
    // What is queued and not yet written, oldest first.
    std::vector<std::string> pending() const;
    // Writes what the pipe takes now; the rest waits for the next call. An
    // error when the program has not read for so long that the pipe is full.
    // Once ended and everything is written, the pipe closes.
    Status flush();
    // Ctrl-D in a terminal: after the lines queued so far, the program reads
    // end-of-file. Lines queued later are not sent.
    void end();
    bool ended() const;

private:
    ProgramInput(int read_fd, int write_fd) : read_fd_(read_fd), write_fd_(write_fd) {}

    int read_fd_ = -1;
    int write_fd_ = -1;
    mutable std::mutex mutex_;
    std::deque<std::string> lines_;
    size_t written_of_first_ = 0;  // bytes of lines_.front() already in the pipe
    bool ending_ = false;
};

}  // namespace tcplab
