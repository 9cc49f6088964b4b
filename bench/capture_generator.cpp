#include "capture_generator.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include "capture/pcapng_writer.hpp"

namespace tcplab {
namespace {

// xoshiro256** seeded through splitmix64: fast, and the same seed gives the same file everywhere.
class Random {
public:
    explicit Random(uint64_t seed) {
        for (uint64_t& word : state_) {
            seed += 0x9e3779b97f4a7c15ull;
            uint64_t mixed = seed;
            mixed = (mixed ^ (mixed >> 30)) * 0xbf58476d1ce4e5b9ull;
            mixed = (mixed ^ (mixed >> 27)) * 0x94d049bb133111ebull;
            word = mixed ^ (mixed >> 31);
        }
    }
    uint64_t next() {
        const uint64_t result = rotate(state_[1] * 5, 7) * 9;
        const uint64_t shifted = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= shifted;
        state_[3] = rotate(state_[3], 45);
        return result;
    }
    uint32_t below(uint32_t bound) { return static_cast<uint32_t>((next() >> 32) * bound >> 32); }
    uint32_t between(uint32_t low, uint32_t high) { return low + below(high - low + 1); }
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    bool chance(double probability) { return unit() < probability; }

private:
    static uint64_t rotate(uint64_t value, int bits) { return (value << bits) | (value >> (64 - bits)); }
    std::array<uint64_t, 4> state_{};
};

enum class Options : uint8_t { None, Syn, Timestamps };

// Marks on a planned segment, counted into the totals when it is emitted.
namespace mark {
inline constexpr uint8_t NewConnection = 1;
inline constexpr uint8_t Retransmission = 2;
inline constexpr uint8_t TimeWaitEnd = 4;
}  // namespace mark

// One planned segment of a session.
struct Planned {
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint32_t client = 0;  // index of the client endpoint (spoofed sources differ per segment)
    uint16_t payload = 0;
    uint16_t window = 0;
    uint8_t flags = 0;
    uint8_t from_server = 0;
    Options options = Options::None;
    uint8_t marks = 0;
};

struct Session {
    bool ipv6 = false;
    bool flood = false;
    uint16_t server_port = 80;
    uint8_t server_host = 1;
    std::vector<Planned> plan;
    size_t next = 0;
    bool done() const { return next >= plan.size(); }
};

constexpr uint8_t kFin = tcp_flag::Fin, kSyn = tcp_flag::Syn, kRst = tcp_flag::Rst, kPsh = tcp_flag::Psh,
                  kAck = tcp_flag::Ack;
constexpr int64_t kStartNs = 1714550400LL * 1'000'000'000LL;  // 2024-05-01 08:00 UTC
constexpr size_t kMaxFrame = 14 + 40 + 60 + 1460;

// An endpoint from its index. Ordinary clients: 198.19.0.0/16 (and 2001:2::/48),
// ports from 32768; spoofed sources: 198.18.0.0/16, ports from 1024. Indexes map
// to distinct endpoints, so no two connections share a 4-tuple by accident.
void client_address(uint32_t index, bool flood, bool ipv6, uint8_t* address, uint16_t& port) {
    if (flood) {
        const uint32_t host = (index * 40503u) & 0xffffu;  // an odd multiplier permutes the 16 bits
        address[0] = 198;
        address[1] = 18;
        address[2] = static_cast<uint8_t>(host >> 8);
        address[3] = static_cast<uint8_t>(host);
        port = static_cast<uint16_t>(1024 + ((index >> 16) * 7919u + host * 31u) % 64512u);
        return;
    }
    const uint32_t host = index % 2048;
    port = static_cast<uint16_t>(32768 + (index / 2048) % 28232);
    if (ipv6) {
        std::memset(address, 0, 16);
        address[0] = 0x20;
        address[1] = 0x01;
        address[3] = 0x02;
        address[14] = static_cast<uint8_t>(host >> 8);
        address[15] = static_cast<uint8_t>(host);
        return;
    }
    address[0] = 198;
    address[1] = 19;
    address[2] = static_cast<uint8_t>(1 + host / 256);
    address[3] = static_cast<uint8_t>(host);
}

void server_address(uint8_t host, bool ipv6, uint8_t* address) {
    if (ipv6) {
        std::memset(address, 0, 16);
        address[0] = 0x20;
        address[1] = 0x01;
        address[3] = 0x02;
        address[5] = 0xff;
        address[15] = host;
        return;
    }
    address[0] = 198;
    address[1] = 19;
    address[2] = 255;
    address[3] = host;
}

void put16(uint8_t* at, uint32_t value) {
    at[0] = static_cast<uint8_t>(value >> 8);
    at[1] = static_cast<uint8_t>(value);
}
void put32(uint8_t* at, uint32_t value) {
    put16(at, value >> 16);
    put16(at + 2, value & 0xffff);
}

uint64_t sum_bytes(const uint8_t* bytes, size_t length, uint64_t sum = 0) {
    size_t index = 0;
    for (; index + 1 < length; index += 2) sum += static_cast<uint32_t>(bytes[index] << 8 | bytes[index + 1]);
    if (index < length) sum += static_cast<uint32_t>(bytes[index] << 8);
    return sum;
}
uint16_t fold(uint64_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum & 0xffff);
}

}  // namespace

struct CaptureGenerator::State {
    explicit State(const GeneratorOptions& chosen) : options(chosen), random(chosen.seed) {
        for (size_t index = 0; index < payload_pattern.size(); ++index)
            payload_pattern[index] = static_cast<uint8_t>("GET /lessons/handshake HTTP/1.1 tcplab "[index % 39]);
        sessions.resize(std::max<uint32_t>(1, options.concurrent_connections));
        for (Session& session : sessions) start_ordinary(session);
    }

    GeneratorOptions options;
    Random random;
    GeneratorTotals totals;
    std::vector<Session> sessions;
    Session flood;
    bool flood_active = false;
    uint64_t flood_packets = 0;
    uint32_t next_client = 0;
    uint32_t next_spoofed = 0;
    int64_t now_ns = kStartNs;
    uint16_t ip_id = 1;
    std::array<uint8_t, kMaxFrame> frame{};
    std::array<uint8_t, 1460> payload_pattern{};

    uint16_t mss(bool ipv6) const { return ipv6 ? 1428 : 1448; }  // 1500 minus headers and the timestamp option

    void start_ordinary(Session& session) {
        session = Session{};
        session.plan.reserve(64);
        session.ipv6 = random.chance(options.ipv6_share);
        session.server_host = static_cast<uint8_t>(random.between(1, 8));
        const uint32_t client = next_client++;
        if (random.chance(0.04)) {  // a connection attempt to a closed port: SYN, then RST-ACK
            session.server_port = 8081;
            const uint32_t isn = static_cast<uint32_t>(random.next());
            session.plan.push_back({isn, 0, client, 0, 64240, kSyn, 0, Options::Syn, mark::NewConnection});
            session.plan.push_back({0, isn + 1, client, 0, 0, kRst | kAck, 1, Options::None, 0});
            return;
        }
        static constexpr std::array<uint16_t, 4> kPorts = {80, 443, 5000, 8080};
        session.server_port = kPorts[random.below(4)];
        auto& plan = session.plan;
        const uint16_t segment_size = mss(session.ipv6);
        uint32_t client_seq = static_cast<uint32_t>(random.next());
        uint32_t server_seq = static_cast<uint32_t>(random.next());
        plan.push_back({client_seq, 0, client, 0, 64240, kSyn, 0, Options::Syn, mark::NewConnection});
        plan.push_back({server_seq, client_seq + 1, client, 0, 65160, kSyn | kAck, 1, Options::Syn, 0});
        ++client_seq;
        ++server_seq;
        plan.push_back({client_seq, server_seq, client, 0, 502, kAck, 0, Options::Timestamps, 0});

        const uint32_t exchanges = 1 + random.below(4) + (random.chance(0.2) ? random.below(12) : 0);
        for (uint32_t exchange = 0; exchange < exchanges; ++exchange) {
            const auto request = static_cast<uint16_t>(random.between(40, 600));
            plan.push_back({client_seq, server_seq, client, request, 502, kPsh | kAck, 0, Options::Timestamps, 0});
            client_seq += request;
            const double kind = random.unit();
            uint32_t response = 0;
            if (kind < 0.15)
                response = 0;
            else if (kind < 0.55)
                response = random.between(100, 1400);
            else if (kind < 0.9)
                response = random.between(2000, 20000);
            else
                response = random.between(20000, 120000);
            // The server's delayed ACK fires before a slow response; a quick one carries the ACK itself.
            if (response == 0 || random.chance(0.3))
                plan.push_back({server_seq, client_seq, client, 0, 509, kAck, 1, Options::Timestamps, 0});
            uint32_t sent_in_response = 0;
            uint32_t unacknowledged = 0;
            while (sent_in_response < response) {
                const auto length =
                    static_cast<uint16_t>(std::min<uint32_t>(segment_size, response - sent_in_response));
                const bool last = sent_in_response + length == response;
                const uint8_t flags = last ? (kPsh | kAck) : kAck;
                plan.push_back({server_seq, client_seq, client, length, 509, flags, 1, Options::Timestamps, 0});
                const Planned sent = plan.back();
                server_seq += length;
                sent_in_response += length;
                if (random.chance(options.retransmit_share)) {
                    Planned again = sent;
                    again.marks = mark::Retransmission;
                    plan.push_back(again);
                }
                // Delayed ACK: one ACK for every second full segment, and one at the end.
                if (++unacknowledged == 2 || last) {
                    plan.push_back({client_seq, server_seq, client, 0, 501, kAck, 0, Options::Timestamps, 0});
                    unacknowledged = 0;
                }
            }
        }

        const double teardown = random.unit();
        const auto fin_exchange = [&](bool client_first) {
            uint32_t& closer_seq = client_first ? client_seq : server_seq;
            uint32_t& peer_seq = client_first ? server_seq : client_seq;
            const uint8_t closer = client_first ? 0 : 1;
            const auto peer = static_cast<uint8_t>(1 - closer);
            plan.push_back({closer_seq, peer_seq, client, 0, 502, kFin | kAck, closer, Options::Timestamps, 0});
            ++closer_seq;
            plan.push_back({peer_seq, closer_seq, client, 0, 509, kAck, peer, Options::Timestamps, 0});
            plan.push_back(
                {peer_seq, closer_seq, client, 0, 509, kFin | kAck, peer, Options::Timestamps, mark::TimeWaitEnd});
            ++peer_seq;
            plan.push_back({closer_seq, peer_seq, client, 0, 502, kAck, closer, Options::Timestamps, 0});
        };
        if (teardown < 0.5) {
            fin_exchange(true);
        } else if (teardown < 0.75) {
            fin_exchange(false);
        } else if (teardown < 0.87) {  // the peer's ACK and FIN merged: three segments
            plan.push_back({client_seq, server_seq, client, 0, 502, kFin | kAck, 0, Options::Timestamps, 0});
            ++client_seq;
            plan.push_back(
                {server_seq, client_seq, client, 0, 509, kFin | kAck, 1, Options::Timestamps, mark::TimeWaitEnd});
            ++server_seq;
            plan.push_back({client_seq, server_seq, client, 0, 502, kAck, 0, Options::Timestamps, 0});
        } else {  // an abort (SO_LINGER 0)
            plan.push_back({client_seq, server_seq, client, 0, 0, kRst | kAck, 0, Options::None, 0});
        }
    }

    void start_flood() {
        flood = Session{};
        flood.flood = true;
        flood.server_port = 80;
        flood.server_host = 1;
        const uint32_t burst = random.between(200, 3000);
        flood.plan.reserve(burst * 3);
        constexpr uint32_t kAnswerLag = 3;  // the SYN-ACK leaves a moment after its SYN arrives
        std::vector<Planned> answers;
        answers.reserve(burst);
        for (uint32_t index = 0; index < burst; ++index) {
            const uint32_t source = next_spoofed++;
            const uint32_t isn = static_cast<uint32_t>(random.next());
            flood.plan.push_back({isn, 0, source, 0, 1024, kSyn, 0, Options::None, mark::NewConnection});
            answers.push_back(
                {static_cast<uint32_t>(random.next()), isn + 1, source, 0, 65160, kSyn | kAck, 1, Options::Syn, 0});
            if (index >= kAnswerLag) flood.plan.push_back(answers[index - kAnswerLag]);
        }
        for (uint32_t index = burst >= kAnswerLag ? burst - kAnswerLag : 0; index < burst; ++index)
            flood.plan.push_back(answers[index]);
        // Nobody answers the SYN-ACKs: the server sends some of them again.
        for (const Planned& answer : answers)
            if (random.chance(0.3)) {
                Planned again = answer;
                again.marks = mark::Retransmission;
                flood.plan.push_back(again);
            }
        flood_active = true;
    }

    size_t build(const Session& session, const Planned& planned) {
        uint8_t* out = frame.data();
        size_t at = 0;
        const bool ipv6 = session.ipv6;
        if (options.link == LinkType::Ethernet) {
            static constexpr std::array<uint8_t, 6> kClientMac = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
            static constexpr std::array<uint8_t, 6> kServerMac = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x02};
            const auto& source_mac = planned.from_server ? kServerMac : kClientMac;
            const auto& destination_mac = planned.from_server ? kClientMac : kServerMac;
            std::memcpy(out, destination_mac.data(), 6);
            std::memcpy(out + 6, source_mac.data(), 6);
            put16(out + 12, ipv6 ? 0x86dd : 0x0800);
            at = 14;
        }
        std::array<uint8_t, 16> client{}, server{};
        uint16_t client_port = 0;
        client_address(planned.client, session.flood, ipv6, client.data(), client_port);
        server_address(session.server_host, ipv6, server.data());
        const uint8_t* source = planned.from_server ? server.data() : client.data();
        const uint8_t* destination = planned.from_server ? client.data() : server.data();
        const uint16_t source_port = planned.from_server ? session.server_port : client_port;
        const uint16_t destination_port = planned.from_server ? client_port : session.server_port;

        const size_t option_length = planned.options == Options::Syn          ? 20
                                     : planned.options == Options::Timestamps ? 12
                                                                              : 0;
        const size_t tcp_length = 20 + option_length + planned.payload;
        const size_t address_length = ipv6 ? 16 : 4;
        const size_t ip_at = at;
        if (ipv6) {
            put32(out + at, 0x60000000);
            put16(out + at + 4, static_cast<uint32_t>(tcp_length));
            out[at + 6] = 6;
            out[at + 7] = 64;
            std::memcpy(out + at + 8, source, 16);
            std::memcpy(out + at + 24, destination, 16);
            at += 40;
        } else {
            out[at] = 0x45;
            out[at + 1] = 0;
            put16(out + at + 2, static_cast<uint32_t>(20 + tcp_length));
            put16(out + at + 4, ip_id++);
            put16(out + at + 6, 0x4000);  // don't fragment
            out[at + 8] = planned.from_server || !session.flood ? 64 : static_cast<uint8_t>(random.between(40, 250));
            out[at + 9] = 6;
            put16(out + at + 10, 0);
            std::memcpy(out + at + 12, source, 4);
            std::memcpy(out + at + 16, destination, 4);
            put16(out + at + 10, fold(sum_bytes(out + at, 20)));
            at += 20;
        }
        const size_t tcp_at = at;
        put16(out + at, source_port);
        put16(out + at + 2, destination_port);
        put32(out + at + 4, planned.seq);
        put32(out + at + 8, planned.ack);
        out[at + 12] = static_cast<uint8_t>(((20 + option_length) / 4) << 4);
        out[at + 13] = planned.flags;
        put16(out + at + 14, planned.window);
        put16(out + at + 16, 0);
        put16(out + at + 18, 0);
        at += 20;
        const auto timestamp = static_cast<uint32_t>(now_ns / 1'000'000) + (planned.from_server ? 7777u : 0u);
        const uint32_t echo = (planned.flags & kSyn) && !(planned.flags & kAck) ? 0 : timestamp - 3;
        if (planned.options == Options::Syn) {
            static constexpr std::array<uint8_t, 4> kHead = {2, 4, 0, 0};
            std::memcpy(out + at, kHead.data(), 4);
            put16(out + at + 2, ipv6 ? 1440 : 1460);
            out[at + 4] = 4;  // SACK permitted
            out[at + 5] = 2;
            out[at + 6] = 8;  // timestamps
            out[at + 7] = 10;
            put32(out + at + 8, timestamp);
            put32(out + at + 12, echo);
            out[at + 16] = 1;  // nop
            out[at + 17] = 3;  // window scale 7
            out[at + 18] = 3;
            out[at + 19] = 7;
            at += 20;
        } else if (planned.options == Options::Timestamps) {
            out[at] = 1;
            out[at + 1] = 1;
            out[at + 2] = 8;
            out[at + 3] = 10;
            put32(out + at + 4, timestamp);
            put32(out + at + 8, echo);
            at += 12;
        }
        std::memcpy(out + at, payload_pattern.data(), planned.payload);
        at += planned.payload;

        // The TCP checksum covers a pseudo-header of both addresses, the protocol and the length.
        uint64_t sum = sum_bytes(source, address_length);
        sum = sum_bytes(destination, address_length, sum);
        sum += 6 + tcp_length;
        sum = sum_bytes(out + tcp_at, tcp_length, sum);
        put16(out + tcp_at + 16, fold(sum));
        (void)ip_at;
        return at;
    }

    bool next(GeneratedPacket& packet) {
        if (totals.packets >= options.packets) return false;
        // Bursts of spoofed SYNs come now and then, until they make up about their share.
        if (!flood_active && options.flood_share > 0 &&
            static_cast<double>(flood_packets) < options.flood_share * static_cast<double>(totals.packets) &&
            random.chance(0.002))
            start_flood();
        Session* session = nullptr;
        if (flood_active && random.chance(0.7)) {
            session = &flood;
        } else {
            session = &sessions[random.below(static_cast<uint32_t>(sessions.size()))];
        }
        const Planned& planned = session->plan[session->next++];
        const size_t length = build(*session, planned);
        if (session->flood) ++flood_packets;

        now_ns += 1000 + random.below(60000);  // 1 to 61 µs apart
        const size_t captured = options.snaplen ? std::min<size_t>(length, options.snaplen) : length;
        packet.time_ns = now_ns;
        packet.original_length = static_cast<uint32_t>(length);
        packet.frame = std::span<const uint8_t>(frame.data(), captured);

        ++totals.packets;
        totals.bytes += captured;
        if (planned.marks & mark::NewConnection) ++totals.connections;
        if (planned.marks & mark::Retransmission) ++totals.retransmissions;
        if (planned.marks & mark::TimeWaitEnd) ++totals.time_wait_ends;
        if (planned.flags & kRst) ++totals.resets;
        if (planned.payload > 0) ++totals.data_segments;
        if (session->flood && (planned.flags & kSyn) && !(planned.flags & kAck)) ++totals.flood_syns;

        if (session->done()) {
            if (session->flood)
                flood_active = false;
            else
                start_ordinary(*session);
        }
        return true;
    }
};

CaptureGenerator::CaptureGenerator(const GeneratorOptions& options) : state_(std::make_unique<State>(options)) {}
CaptureGenerator::CaptureGenerator(CaptureGenerator&&) noexcept = default;
CaptureGenerator& CaptureGenerator::operator=(CaptureGenerator&&) noexcept = default;
CaptureGenerator::~CaptureGenerator() = default;
bool CaptureGenerator::next(GeneratedPacket& packet) { return state_->next(packet); }
const GeneratorTotals& CaptureGenerator::totals() const { return state_->totals; }
LinkType CaptureGenerator::link() const { return state_->options.link; }

namespace {

// Collects small writes into large ones: ten million packets are a few hundred write() calls.
class BufferedFile {
public:
    static Result<BufferedFile> create(const std::string& path) {
        const int descriptor = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (descriptor < 0) return Error{"cannot create " + path + ": " + std::strerror(errno), ""};
        return BufferedFile(descriptor, path);
    }
    BufferedFile(BufferedFile&& other) noexcept
        : descriptor_(std::exchange(other.descriptor_, -1)),
          path_(std::move(other.path_)),
          buffer_(std::move(other.buffer_)) {}
    BufferedFile(const BufferedFile&) = delete;
    ~BufferedFile() {
        if (descriptor_ >= 0) ::close(descriptor_);
    }

    Status append(std::span<const uint8_t> bytes) {
        if (buffer_.size() + bytes.size() > kFlushAt)
            if (Status flushed = flush(); !flushed) return flushed;
        buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
        return Done{};
    }
    Status flush() {
        size_t written = 0;
        while (written < buffer_.size()) {
            const ssize_t result = ::write(descriptor_, buffer_.data() + written, buffer_.size() - written);
            if (result < 0 && errno == EINTR) continue;
            if (result <= 0) return Error{"cannot write " + path_ + ": " + std::strerror(errno), ""};
            written += static_cast<size_t>(result);
        }
        buffer_.clear();
        return Done{};
    }
    Status close() {
        if (Status flushed = flush(); !flushed) return flushed;
        const int result = ::close(std::exchange(descriptor_, -1));
        if (result != 0) return Error{"cannot close " + path_ + ": " + std::strerror(errno), ""};
        return Done{};
    }

private:
    static constexpr size_t kFlushAt = 8u << 20;
    BufferedFile(int descriptor, std::string path) : descriptor_(descriptor), path_(std::move(path)) {
        buffer_.reserve(kFlushAt);
    }
    int descriptor_ = -1;
    std::string path_;
    std::vector<uint8_t> buffer_;
};

template <class Value>
std::span<const uint8_t> bytes_of(const Value& value) {
    return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&value), sizeof(value));
}

}  // namespace

Result<GeneratorTotals> write_generated_capture(const std::string& path, const GeneratorOptions& options) {
    if (options.link != LinkType::Ethernet && options.link != LinkType::Raw)
        return Error{"the generator writes Ethernet or raw IP frames only", ""};
    auto file = BufferedFile::create(path);
    if (!file) return file.error();
    CaptureGenerator generator(options);
    const uint32_t snaplen = options.snaplen ? options.snaplen : pcapng::kDefaultSnaplen;
    const auto link_type = static_cast<uint16_t>(options.link);

    if (options.format == GeneratedFormat::Pcap) {
        // The classic header in host byte order, microsecond timestamps (magic a1b2c3d4).
        struct {
            uint32_t magic = 0xa1b2c3d4;
            uint16_t major = 2, minor = 4;
            int32_t zone = 0;
            uint32_t sigfigs = 0;
            uint32_t snaplen = 0;
            uint32_t link = 0;
        } header;
        header.snaplen = snaplen;
        header.link = link_type;
        static_assert(sizeof(header) == 24);
        if (Status written = file->append(bytes_of(header)); !written) return written.error();
    } else {
        const std::array<pcapng::Option, 1> section = {
            pcapng::Option::text(pcapng::kSectionUserApplication, "tcplab-gen")};
        const std::array<pcapng::Option, 2> interface = {
            pcapng::Option::text(pcapng::kInterfaceName, "gen0"),
            pcapng::Option::byte(pcapng::kInterfaceTimestampResolution, 9)};
        if (Status written = file->append(pcapng::section_header_block(section)); !written) return written.error();
        if (Status written = file->append(pcapng::interface_description_block(link_type, snaplen, interface)); !written)
            return written.error();
    }

    GeneratedPacket packet;
    while (generator.next(packet)) {
        Status written = Done{};
        if (options.format == GeneratedFormat::Pcap) {
            const std::array<uint32_t, 4> record = {
                static_cast<uint32_t>(packet.time_ns / 1'000'000'000),
                static_cast<uint32_t>(packet.time_ns % 1'000'000'000 / 1000),
                static_cast<uint32_t>(packet.frame.size()),
                packet.original_length,
            };
            written = file->append(bytes_of(record));
            if (written) written = file->append(packet.frame);
        } else {
            written = file->append(pcapng::enhanced_packet_block(0, static_cast<uint64_t>(packet.time_ns), packet.frame,
                                                                 packet.original_length, {}));
        }
        if (!written) return written.error();
    }
    if (Status closed = file->close(); !closed) return closed.error();
    return generator.totals();
}

// ---- the limit: walking record headers ----

namespace {

uint32_t swap32(uint32_t value) { return __builtin_bswap32(value); }

// The bytes of a file through a sliding window of read()s, or all at once through mmap.
class FileBytes {
public:
    FileBytes(int descriptor, uint64_t size, WalkMethod method)
        : descriptor_(descriptor), size_(size), method_(method) {
        if (method_ == WalkMethod::Mmap && size_ > 0) {
            void* mapped = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, descriptor_, 0);
            if (mapped != MAP_FAILED) {
                mapped_ = static_cast<const uint8_t*>(mapped);
                ::madvise(mapped, size_, MADV_SEQUENTIAL);
            }
        } else {
            window_.resize(kWindow);
        }
    }
    ~FileBytes() {
        if (mapped_) ::munmap(const_cast<uint8_t*>(mapped_), size_);
    }
    bool mapped_ok() const { return method_ == WalkMethod::Read || mapped_ != nullptr; }

    // `length` bytes at `offset`, or nullptr when the file ends first.
    const uint8_t* at(uint64_t offset, size_t length) {
        if (offset + length > size_) return nullptr;
        if (mapped_) return mapped_ + offset;
        if (offset < window_start_ || offset + length > window_start_ + window_length_) {
            const ssize_t got = ::pread(descriptor_, window_.data(), window_.size(), static_cast<off_t>(offset));
            if (got < static_cast<ssize_t>(length)) return nullptr;
            window_start_ = offset;
            window_length_ = static_cast<size_t>(got);
        }
        return window_.data() + (offset - window_start_);
    }

private:
    static constexpr size_t kWindow = 1u << 20;
    int descriptor_;
    uint64_t size_;
    WalkMethod method_;
    const uint8_t* mapped_ = nullptr;
    std::vector<uint8_t> window_;
    uint64_t window_start_ = 0;
    size_t window_length_ = 0;
};

}  // namespace

Result<HeaderWalk> walk_record_headers(const std::string& path, WalkMethod method) {
    const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) return Error{"cannot open " + path + ": " + std::strerror(errno), ""};
    struct stat status {};
    ::fstat(descriptor, &status);
    const auto size = static_cast<uint64_t>(status.st_size);
    HeaderWalk walk;
    {
        FileBytes file(descriptor, size, method);
        if (!file.mapped_ok()) {
            ::close(descriptor);
            return Error{"cannot map " + path, ""};
        }
        const uint8_t* magic_bytes = file.at(0, 4);
        uint32_t magic = 0;
        if (magic_bytes) std::memcpy(&magic, magic_bytes, 4);
        if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d || magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
            const bool swapped = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
            uint64_t offset = 24;
            while (const uint8_t* header = file.at(offset, 16)) {
                uint32_t captured = 0;
                std::memcpy(&captured, header + 8, 4);
                if (swapped) captured = swap32(captured);
                offset += 16 + captured;
                if (offset > size) break;
                ++walk.packets;
                walk.bytes += captured;
            }
        } else if (magic == pcapng::kSectionHeaderBlock) {
            uint64_t offset = 0;
            bool swapped = false;
            while (const uint8_t* header = file.at(offset, 12)) {
                uint32_t type = 0, length = 0;
                std::memcpy(&type, header, 4);
                if (type == pcapng::kSectionHeaderBlock) {
                    uint32_t order = 0;
                    std::memcpy(&order, header + 8, 4);
                    swapped = order != pcapng::kByteOrderMagic;
                }
                std::memcpy(&length, header + 4, 4);
                if (swapped) {
                    type = swap32(type);
                    length = swap32(length);
                }
                if (length < 12 || offset + length > size) break;
                if (type == pcapng::kEnhancedPacketBlock || type == pcapng::kSimplePacketBlock ||
                    type == pcapng::kObsoletePacketBlock) {
                    ++walk.packets;
                    walk.bytes += length;
                }
                offset += length;
            }
        } else {
            ::close(descriptor);
            return Error{path + " is neither pcap nor pcapng", ""};
        }
    }
    ::close(descriptor);
    return walk;
}

}  // namespace tcplab
