// DenseHashMap must answer like std::unordered_map for any mix of inserts and
// lookups, including keys whose hashes collide entirely or only in the bits
// that pick a slot, across growth and clear().
#include "capture/dense_hash_map.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <unordered_map>

namespace tcplab {
namespace {

// Hashes that share low bits (so keys crowd into one run of slots) and, for
// a quarter of the keys, share the whole 32-bit tag: the key compare must decide.
struct CrowdingHash {
    size_t operator()(uint64_t key) const { return key % 4 == 0 ? 0x1234 : (key & ~uint64_t{0xff}) << 20; }
};

template <class Hash>
void compare_with_the_standard_map(size_t operations, uint64_t key_range, size_t reserved) {
    std::mt19937_64 random(7);
    DenseHashMap<uint64_t, int, Hash> dense;
    dense.reserve(reserved);
    std::unordered_map<uint64_t, int> standard;
    for (size_t step = 0; step < operations; ++step) {
        const uint64_t key = random() % key_range;
        if (random() % 3 == 0) {
            const int* found = dense.find(key);
            const auto expected = standard.find(key);
            ASSERT_EQ(found != nullptr, expected != standard.end()) << "key " << key;
            if (found) {
                ASSERT_EQ(*found, expected->second) << "key " << key;
            }
        } else {
            const auto [value, inserted] = dense.try_emplace(key, static_cast<int>(step));
            const auto [expected, expected_inserted] = standard.try_emplace(key, static_cast<int>(step));
            ASSERT_EQ(inserted, expected_inserted) << "key " << key;
            ASSERT_EQ(*value, expected->second) << "key " << key;
            *value += 1;
            expected->second += 1;
        }
        ASSERT_EQ(dense.size(), standard.size());
    }
}

TEST(DenseHashMap, AnswersLikeTheStandardMapWhileGrowing) {
    compare_with_the_standard_map<std::hash<uint64_t>>(200'000, 50'000, 0);
}

TEST(DenseHashMap, AnswersLikeTheStandardMapWhenHashesCrowdAndCollide) {
    compare_with_the_standard_map<CrowdingHash>(20'000, 3'000, 0);
    compare_with_the_standard_map<CrowdingHash>(20'000, 3'000, 10'000);
}

TEST(DenseHashMap, ClearForgetsEveryEntryAndTheMapWorksAfter) {
    DenseHashMap<uint64_t, int, std::hash<uint64_t>> map;
    map.reserve(1000);
    for (uint64_t key = 0; key < 1000; ++key) map[key] = static_cast<int>(key);
    ASSERT_EQ(map.size(), 1000u);
    map.clear();
    EXPECT_TRUE(map.empty());
    for (uint64_t key = 0; key < 1000; ++key) EXPECT_EQ(map.find(key), nullptr) << key;
    map[5] = 50;
    EXPECT_EQ(map.size(), 1u);
    ASSERT_NE(map.find(5), nullptr);
    EXPECT_EQ(*map.find(5), 50);
}

TEST(DenseHashMap, AValueMadeByTheIndexOperatorStartsAsValueInitialised) {
    DenseHashMap<uint64_t, int, std::hash<uint64_t>> map;
    EXPECT_EQ(map.find(3), nullptr);
    EXPECT_EQ(map[3], 0);
    EXPECT_EQ(map.size(), 1u);
}

}  // namespace
}  // namespace tcplab
