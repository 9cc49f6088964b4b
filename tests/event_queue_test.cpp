// The bounded single-producer queue: order, capacity, counted drops, and a
// real producer thread racing the consumer.
#include "capture/event_queue.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace tcplab {
namespace {

TEST(EventQueue, KeepsOrder) {
    EventQueue<int> queue(4);
    for (int i = 0; i < 4; ++i) EXPECT_TRUE(queue.push(i));
    for (int i = 0; i < 4; ++i) EXPECT_EQ(queue.pop(), i);
    EXPECT_FALSE(queue.pop().has_value());
}

TEST(EventQueue, FullQueueCountsWhatItCouldNotTake) {
    EventQueue<std::string> queue(2);
    EXPECT_TRUE(queue.push("a"));
    EXPECT_TRUE(queue.push("b"));
    EXPECT_FALSE(queue.push("c"));
    EXPECT_FALSE(queue.push("d"));
    EXPECT_EQ(queue.dropped(), 2u);
    std::vector<std::string> drained;
    EXPECT_EQ(queue.drain([&](std::string item) { drained.push_back(item); }), 2u);
    EXPECT_EQ(drained, (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(queue.push("e"));
    EXPECT_EQ(queue.dropped(), 2u);
}

TEST(EventQueue, ProducerThreadAndConsumerAgreeOnEveryItem) {
    constexpr uint64_t kItems = 200'000;
    EventQueue<uint64_t> queue(1024);
    std::thread producer([&] {
        for (uint64_t i = 0; i < kItems; ++i)
            while (!queue.push(i)) std::this_thread::yield();
    });
    uint64_t expected = 0;
    while (expected < kItems) {
        if (auto item = queue.pop()) {
            ASSERT_EQ(*item, expected);
            ++expected;
        }
    }
    producer.join();
    // The producer retried whenever the queue was full, so nothing was lost or reordered.
    EXPECT_EQ(expected, kItems);
}

// A window takes a frame's worth at a time, and events of other queues only
// up to the first one left behind (LessonRun::drain).
TEST(EventQueue, DrainWhileStopsAtTheLimitOrTheFirstItemNotTaken) {
    EventQueue<int> queue(16);
    EXPECT_EQ(queue.peek(), nullptr);
    for (int item : {1, 2, 3, 10, 11}) queue.push(item);
    std::vector<int> taken;
    const auto take = [&taken](int item) { taken.push_back(item); };
    EXPECT_EQ(queue.drain_while([](int) { return true; }, take, 2), 2u);
    EXPECT_EQ(taken, (std::vector<int>{1, 2}));
    ASSERT_NE(queue.peek(), nullptr);
    EXPECT_EQ(*queue.peek(), 3);
    EXPECT_EQ(queue.drain_while([](int item) { return item < 10; }, take, SIZE_MAX), 1u);
    EXPECT_EQ(taken, (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(*queue.peek(), 10);  // peeking leaves it there
    EXPECT_EQ(queue.drain([](int) {}), 2u);
    EXPECT_EQ(queue.peek(), nullptr);
}

TEST(EventQueue, DropsAreCountedUnderLoad) {
    EventQueue<int> queue(8);
    std::thread producer([&] {
        for (int i = 0; i < 10'000; ++i) queue.push(i);
    });
    producer.join();
    size_t delivered = queue.drain([](int) {});
    EXPECT_EQ(delivered + queue.dropped(), 10'000u);
    EXPECT_EQ(delivered, 8u);
}

}  // namespace
}  // namespace tcplab
