#include "background_file_opener.hpp"

#include "capture/capture_index.hpp"

namespace tcplab {

BackgroundFileOpener::~BackgroundFileOpener() {
    cancel();
    join();
}

void BackgroundFileOpener::join() {
    if (thread_.joinable()) thread_.join();
}

void BackgroundFileOpener::cancel() { cancel_ = true; }

void BackgroundFileOpener::start(const std::string& path) {
    cancel();
    join();
    {
        std::lock_guard lock(result_mutex_);
        result_.reset();  // a cancelled load's outcome is no longer wanted
    }
    path_ = path;
    cancel_ = false;
    bytes_done_ = 0;
    bytes_total_ = 0;
    packets_ = 0;
    loading_ = true;
    thread_ = std::thread([this, path] {
        LoadOutcome outcome;
        outcome.path = path;
        // open_capture leaves a large capture's raw bytes in the file (mapped), so
        // a 1 GB file does not become 1 GB of memory.
        auto opened = open_capture(path, [this](const ReadProgress& progress) {
            bytes_done_ = progress.bytes_done;
            bytes_total_ = progress.bytes_total;
            packets_ = progress.packets;
            return !cancel_.load();
        });
        if (cancel_.load())
            outcome.cancelled = true;
        else if (!opened)
            outcome.error = opened.error();
        else
            outcome.replay = make_replay(path, std::move(opened->loaded));  // finding the steps is work too
        {
            std::lock_guard lock(result_mutex_);
            result_ = std::move(outcome);
        }
        loading_ = false;
    });
}

ReadProgress BackgroundFileOpener::progress() const {
    return ReadProgress{bytes_done_.load(), bytes_total_.load(), packets_.load()};
}

float BackgroundFileOpener::fraction() const {
    const uint64_t total = bytes_total_.load();
    if (total == 0) return 0.0f;
    return static_cast<float>(static_cast<double>(bytes_done_.load()) / static_cast<double>(total));
}

std::optional<LoadOutcome> BackgroundFileOpener::take() {
    std::optional<LoadOutcome> taken;
    {
        std::lock_guard lock(result_mutex_);
        taken.swap(result_);
    }
    if (taken) join();  // the thread has stored its result: it is about to end
    return taken;
}

}  // namespace tcplab
