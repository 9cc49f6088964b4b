#pragma once
// Opening a capture file fast and lean: what `tcplab open` needs before its
// first frame, for files of ten million packets (an instructor's capture of a
// busy server), in less memory than the file takes.
//
// read_trace() (recording_reader.hpp) copies every frame into the trace and decodes
// it fully; open_capture() instead keeps, per packet, only the 56-byte
// PacketEvent with the frame's offset in the file, and the raw bytes stay
// there: views read them on demand through a read-only mapping of the file
// (MappedCaptureFile). The scan walks the file with CaptureFileReader's own
// walker and checks (capture_blocks.hpp), through a bigger window, so a file
// truncated while we read it ends the scan instead of killing the process,
// and the file's pages never count against our memory. Each frame is
// summarised by summarize_frame(), which reads only the fields the trace
// keeps; anything unusual goes through decode_frame().
//
// The fast path covers what instructors and tcpdump produce: pcap and pcapng
// (either byte order and resolution) with Enhanced Packet Blocks. Everything
// else (tcplab's own recordings with their custom blocks, damaged files,
// Simple or obsolete Packet Blocks) is handed to read_trace(), which gives the
// same trace plus the exact fault. docs/performance.md explains the choices.
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "recording_reader.hpp"
#include "result.hpp"
#include "trace.hpp"

namespace tcplab {

// What the open took: which path, and whether raw bytes stayed in the file.
enum class OpenPath : uint8_t { Indexed, ReadTrace };

struct OpenedCapture {
    LoadedTrace loaded;
    OpenPath path = OpenPath::Indexed;
};

Result<OpenedCapture> open_capture(const std::string& path, const ProgressCallback& progress = {});

// The fields of a frame the trace keeps (PacketEvent: transport, payload
// length, truncated, seq, ack, flags, window; both endpoints of TCP and UDP),
// exactly as Trace::capture() fills them from decode_frame() given the same
// length on the wire (0: unknown). Returns false, touching nothing the caller
// relies on, when the frame needs the full decoder (any error, fragments, IPv6
// extension headers, tunnels, offloaded lengths, non-IP frames, other link types).
bool summarize_frame(LinkType link, std::span<const uint8_t> frame, uint32_t original_length, PacketEvent& summary,
                     Endpoint& source, Endpoint& destination);

// A capture file mapped read-only, the raw byte source of an indexed trace.
// Before handing out bytes it checks the file still holds them, so a file
// truncated after opening shows empty packets rather than raising SIGBUS.
class MappedCaptureFile final : public RawByteSource {
public:
    static Result<std::shared_ptr<MappedCaptureFile>> map(const std::string& path);
    ~MappedCaptureFile() override;
    MappedCaptureFile(const MappedCaptureFile&) = delete;
    MappedCaptureFile& operator=(const MappedCaptureFile&) = delete;

    std::span<const uint8_t> bytes(uint64_t offset, uint32_t length) const override;

private:
    MappedCaptureFile(int descriptor, const uint8_t* base, uint64_t size)
        : descriptor_(descriptor), base_(base), size_(size) {}
    int descriptor_ = -1;
    const uint8_t* base_ = nullptr;
    uint64_t size_ = 0;
};

}  // namespace tcplab
