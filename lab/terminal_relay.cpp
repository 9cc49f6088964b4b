#include "terminal_relay.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace tcplab {
namespace {

std::atomic<bool> g_window_changed{false};
void on_window_change(int) { g_window_changed = true; }

bool write_all(int fd, const char* data, size_t size) {
    while (size > 0) {
        const ssize_t written = write(fd, data, size);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return false;
        data += written;
        size -= static_cast<size_t>(written);
    }
    return true;
}

void copy_window_size(int from, int to) {
    winsize size{};
    if (ioctl(from, TIOCGWINSZ, &size) == 0 && size.ws_row > 0) ioctl(to, TIOCSWINSZ, &size);
}

}  // namespace

Result<std::unique_ptr<TerminalRelay>> TerminalRelay::start(int shell_terminal, int in, int out) {
    std::unique_ptr<TerminalRelay> relay(new TerminalRelay());
    relay->shell_terminal_ = shell_terminal;
    relay->in_ = in;
    relay->out_ = out;
    relay->stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (relay->stop_fd_ < 0) return Error{std::string("cannot make an eventfd: ") + std::strerror(errno), ""};
    if (isatty(in) && tcgetattr(in, &relay->saved_) == 0) {
        termios raw = relay->saved_;
        cfmakeraw(&raw);
        if (tcsetattr(in, TCSAFLUSH, &raw) == 0) relay->raw_ = true;
        copy_window_size(in, shell_terminal);
        struct sigaction action {};
        action.sa_handler = on_window_change;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        sigaction(SIGWINCH, &action, nullptr);
    }
    cookie_io_functions_t functions{};
    functions.write = &TerminalRelay::write_lines;
    relay->lines_ = fopencookie(relay.get(), "w", functions);
    if (relay->lines_) setvbuf(relay->lines_, nullptr, _IOLBF, 0);
    relay->thread_ = std::thread([raw = relay.get()] { raw->relay(); });
    return relay;
}

TerminalRelay::~TerminalRelay() {
    const uint64_t one = 1;
    (void)!write(stop_fd_, &one, sizeof one);
    if (thread_.joinable()) thread_.join();
    if (lines_) std::fclose(lines_);
    if (raw_) tcsetattr(in_, TCSAFLUSH, &saved_);
    if (shell_terminal_ >= 0) close(shell_terminal_);
    close(stop_fd_);
}

void TerminalRelay::write_out(const char* data, size_t size) {
    std::lock_guard lock(out_mutex_);
    write_all(out_, data, size);
}

ssize_t TerminalRelay::write_lines(void* cookie, const char* data, size_t size) {
    auto* relay = static_cast<TerminalRelay*>(cookie);
    std::string text;
    text.reserve(size + 8);
    for (size_t i = 0; i < size; ++i) {
        if (data[i] == '\n' && relay->raw_) text += '\r';
        text += data[i];
    }
    relay->write_out(text.data(), text.size());
    return static_cast<ssize_t>(size);
}

void TerminalRelay::relay() {
    bool input_open = true;
    char buffer[8192];
    while (!finished_) {
        pollfd watched[3] = {
            {shell_terminal_, POLLIN, 0}, {stop_fd_, POLLIN, 0}, {in_, static_cast<short>(input_open ? POLLIN : 0), 0}};
        const int ready = poll(watched, input_open ? 3 : 2, 200);
        if (g_window_changed.exchange(false)) copy_window_size(in_, shell_terminal_);
        if (ready < 0 && errno != EINTR) break;
        if (watched[1].revents & POLLIN) break;
        if (watched[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t got = read(shell_terminal_, buffer, sizeof buffer);
            if (got > 0) {
                write_out(buffer, static_cast<size_t>(got));
            } else if (got == 0 || errno != EINTR) {
                // EIO: the shell and everything it started have gone.
                finished_ = true;
                break;
            }
        }
        if (input_open && (watched[2].revents & (POLLIN | POLLHUP | POLLERR))) {
            const ssize_t got = read(in_, buffer, sizeof buffer);
            if (got > 0) {
                write_all(shell_terminal_, buffer, static_cast<size_t>(got));
            } else if (got == 0 || errno != EINTR) {
                // Input from a file or pipe ran out: end of input for the shell (Ctrl-D).
                input_open = false;
                write_all(shell_terminal_, "\x04", 1);
            }
        }
    }
}

}  // namespace tcplab
