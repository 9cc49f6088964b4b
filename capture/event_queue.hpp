#pragma once
// A bounded queue between exactly one producer thread and one consumer thread
// (a capture thread and the UI thread). Lock-free: the producer never waits.
// When it is full the new item is not stored and `dropped()` says how many were
// lost, so the UI can show it: nothing is dropped silently.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

namespace tcplab {

template <class T>
class EventQueue {
public:
    explicit EventQueue(size_t capacity)
        : capacity_(capacity + 1), slots_(std::make_unique<std::optional<T>[]>(capacity + 1)) {}

    EventQueue(const EventQueue&) = delete;
    EventQueue& operator=(const EventQueue&) = delete;

    // Producer side. Returns false (and counts the loss) when full.
    bool push(T item) {
        const size_t tail = tail_.load(std::memory_order_relaxed);
        const size_t next = (tail + 1) % capacity_;
        if (next == head_.load(std::memory_order_acquire)) {
            dropped_.fetch_add(1, std::memory_order_relaxed);
            return false;
        }
        slots_[tail] = std::move(item);
        tail_.store(next, std::memory_order_release);
        return true;
    }

    // Producer side: whether push() would store an item now. A producer that
    // can wait (a tracer holding a stopped program) waits for room instead of
    // losing the item.
    bool has_room() const {
        const size_t tail = tail_.load(std::memory_order_relaxed);
        return (tail + 1) % capacity_ != head_.load(std::memory_order_acquire);
    }

    // Consumer side.
    std::optional<T> pop() {
        const size_t head = head_.load(std::memory_order_relaxed);
        if (head == tail_.load(std::memory_order_acquire)) return std::nullopt;
        std::optional<T> item = std::move(slots_[head]);
        slots_[head].reset();
        head_.store((head + 1) % capacity_, std::memory_order_release);
        return item;
    }

    // Consumer side: hands every queued item to `sink`, returns how many.
    template <class Sink>
    size_t drain(Sink&& sink) {
        return drain_while([](const T&) { return true; }, std::forward<Sink>(sink), SIZE_MAX);
    }

    // Consumer side: the oldest queued item, left in the queue; null when empty.
    const T* peek() const {
        const size_t head = head_.load(std::memory_order_relaxed);
        if (head == tail_.load(std::memory_order_acquire)) return nullptr;
        return &*slots_[head];
    }

    // Consumer side: hands queued items to `sink`, oldest first, while
    // `take(item)` says so and at most `limit` of them; returns how many.
    template <class Take, class Sink>
    size_t drain_while(Take&& take, Sink&& sink, size_t limit) {
        size_t count = 0;
        for (const T* next = peek(); next && count < limit && take(*next); next = peek()) {
            sink(std::move(*pop()));
            ++count;
        }
        return count;
    }

    size_t capacity() const { return capacity_ - 1; }
    uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

private:
    const size_t capacity_;
    std::unique_ptr<std::optional<T>[]> slots_;
    alignas(64) std::atomic<size_t> head_{0};
    alignas(64) std::atomic<size_t> tail_{0};
    alignas(64) std::atomic<uint64_t> dropped_{0};
};

}  // namespace tcplab
