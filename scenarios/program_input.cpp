#include "program_input.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tcplab {

Result<std::unique_ptr<ProgramInput>> ProgramInput::open() {
    int ends[2];
    if (pipe2(ends, O_CLOEXEC) != 0)
        return Error{std::string("cannot make a pipe for the program's input: ") + std::strerror(errno),
                     "close some programs or raise the open-file limit (ulimit -n)"};
    // The window writes between frames and must never wait for the program.
    fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK);
    return std::unique_ptr<ProgramInput>(new ProgramInput(ends[0], ends[1]));
}

ProgramInput::~ProgramInput() {
    if (write_fd_ >= 0) close(write_fd_);
    close(read_fd_);
}

void ProgramInput::queue(const std::string& line) {
    std::lock_guard lock(mutex_);
    if (!ending_) lines_.push_back(line + "\n");
}

void ProgramInput::end() {
    std::lock_guard lock(mutex_);
    ending_ = true;
}

bool ProgramInput::ended() const {
    std::lock_guard lock(mutex_);
    return ending_;
}

std::vector<std::string> ProgramInput::pending() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> lines;
    for (const std::string& line : lines_) lines.push_back(line.substr(0, line.size() - 1));
    return lines;
}

Status ProgramInput::flush() {
    std::lock_guard lock(mutex_);
    while (!lines_.empty()) {
        const std::string& line = lines_.front();
        const ssize_t written = write(write_fd_, line.data() + written_of_first_, line.size() - written_of_first_);
        if (written < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN)
                return Error{"the program has not read its input for a while: what you typed waits",
                             "check that the client reads its standard input"};
            return Error{std::string("cannot write to the program's input: ") + std::strerror(errno), ""};
        }
        written_of_first_ += static_cast<size_t>(written);
        if (written_of_first_ < line.size()) continue;
        lines_.pop_front();
        written_of_first_ = 0;
    }
    // The program's copy of the read end is all that is left: it reads end-of-file.
    if (ending_ && write_fd_ >= 0) {
        close(write_fd_);
        write_fd_ = -1;
    }
    return Done{};
}

}  // namespace tcplab
