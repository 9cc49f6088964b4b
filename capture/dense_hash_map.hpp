#pragma once
// A hash map for millions of small entries that arrive in bursts, such as a
// SYN flood's half-open sockets. The entries live in one vector, in the order
// they came; an open-addressing table of 8-byte slots (a 32-bit hash tag and
// the entry's index) points into it.
//
// Why not std::unordered_map: it allocates a node per entry, and a lookup
// walks the bucket array and one or two nodes, each a cache miss; during a
// flood that was a quarter of a frame. Why not a Debian package's flat map
// (abseil's Swiss tables, tsl's robin and hopscotch maps, skarupke's
// flat_hash_map): they keep the entries inside the table, so making room for
// a flood's two million sockets before it starts (growing within a frame
// copies everything) would write ~250 MB per map; here room costs the slots'
// 8 bytes each, and the entries' vector only reserves address space.
//
// Entries are never erased (callers mark an entry unused instead), so a
// pointer to a value stays valid until the next insert or clear().
//
// Its users are the state merger (capture/, per socket) and the timeline's
// layout (lab/layout/, per connection); it lives in capture/ because lab/ may
// include capture/ but not the other way round.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <utility>
#include <vector>

namespace tcplab {

template <class Key, class Value, class Hash>
class DenseHashMap {
public:
    // Room for this many entries, so that inserting them neither grows the
    // table nor moves the entries.
    void reserve(size_t entries) {
        entries_.reserve(entries);
        // Written now, not page by page as the table fills: a flood lesson
        // reserves before the flood, and faulting the pages in during its
        // first frames made them several times too slow.
        if (entries * 2 > slots_.size()) slots_.assign(std::bit_ceil(entries * 2), 0);
    }

    // Forgets every entry and keeps the room.
    void clear() {
        entries_.clear();
        std::fill(slots_.begin(), slots_.end(), 0);
    }

    size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }

    Value* find(const Key& key) {
        if (slots_.empty()) return nullptr;
        const uint64_t slot = *probe(key, tag_of(key));
        return slot == 0 ? nullptr : &entries_[index_in(slot)].second;
    }

    // The value of key, inserting `value` first when key is new; true when it was.
    std::pair<Value*, bool> try_emplace(const Key& key, Value value = {}) {
        // At most half full, so that probes stay short.
        if ((entries_.size() + 1) * 2 > slots_.size()) grow();
        const uint32_t tag = tag_of(key);
        uint64_t* slot = probe(key, tag);
        if (*slot != 0) return {&entries_[index_in(*slot)].second, false};
        entries_.emplace_back(key, std::move(value));
        *slot = uint64_t{tag} << 32 | entries_.size();
        return {&entries_.back().second, true};
    }
    Value& operator[](const Key& key) { return *try_emplace(key).first; }

private:
    static uint32_t tag_of(const Key& key) {
        const uint64_t hash = Hash{}(key);
        return static_cast<uint32_t>(hash ^ (hash >> 32));
    }
    // A slot holds the tag in its high half and the entry's index + 1 in its
    // low half; 0 is an empty slot.
    static size_t index_in(uint64_t slot) { return static_cast<uint32_t>(slot) - size_t{1}; }

    // The slot that holds key, or the empty slot where it belongs.
    uint64_t* probe(const Key& key, uint32_t tag) {
        const size_t mask = slots_.size() - 1;
        for (size_t at = tag & mask;; at = (at + 1) & mask) {
            uint64_t& slot = slots_[at];
            if (slot == 0) return &slot;
            if (static_cast<uint32_t>(slot >> 32) == tag && entries_[index_in(slot)].first == key) return &slot;
        }
    }

    void grow() {
        const std::vector<uint64_t> old = std::move(slots_);
        slots_.assign(std::max<size_t>(64, old.size() * 2), 0);
        const size_t mask = slots_.size() - 1;
        // The tags say where each entry goes; no key is hashed again.
        for (const uint64_t slot : old) {
            if (slot == 0) continue;
            size_t to = (slot >> 32) & mask;
            while (slots_[to] != 0) to = (to + 1) & mask;
            slots_[to] = slot;
        }
    }

    std::vector<std::pair<Key, Value>> entries_;
    std::vector<uint64_t> slots_;  // a power of two of them, or none
};

}  // namespace tcplab
