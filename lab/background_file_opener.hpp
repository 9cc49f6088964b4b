#pragma once
// Opens a capture file on a background thread so the window keeps drawing: a
// 1 GB file takes a while. The UI thread asks for the progress each frame and
// takes the finished replay at a frame's start; no lock is held during a frame
// (the progress is atomic, the result is handed over under a short lock).
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "lab/replay.hpp"

namespace tcplab {

struct LoadOutcome {
    std::string path;
    std::optional<Replay> replay;  // set on success (the file may still have a fault: replay->loaded.fault)
    std::optional<Error> error;    // nothing could be read
    bool cancelled = false;
};

class BackgroundFileOpener {
public:
    BackgroundFileOpener() = default;
    ~BackgroundFileOpener();  // cancels a load in progress and waits for its thread
    BackgroundFileOpener(const BackgroundFileOpener&) = delete;
    BackgroundFileOpener& operator=(const BackgroundFileOpener&) = delete;

    // Starts loading `path`; a load already in progress is cancelled first.
    void start(const std::string& path);
    void cancel();

    bool loading() const { return loading_.load(); }
    const std::string& path() const { return path_; }  // of the load started last
    ReadProgress progress() const;
    // 0..1 of the file's bytes; 0 before the first report.
    float fraction() const;

    // The finished load, once; nothing while loading or when there was none.
    std::optional<LoadOutcome> take();

private:
    void join();

    std::string path_;
    std::thread thread_;
    std::atomic<bool> loading_{false};
    std::atomic<bool> cancel_{false};
    std::atomic<uint64_t> bytes_done_{0};
    std::atomic<uint64_t> bytes_total_{0};
    std::atomic<uint64_t> packets_{0};
    std::mutex result_mutex_;
    std::optional<LoadOutcome> result_;  // guarded by result_mutex_
};

}  // namespace tcplab
