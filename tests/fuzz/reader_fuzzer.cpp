// libFuzzer target: any bytes as a capture file. The reader must stop at a
// fault, never crash, hang or read out of bounds; the trace built from what it
// read (our custom records included) must be sound too.
#include <cstddef>
#include <cstdint>
#include <span>

#include "capture/capture_file_reader.hpp"
#include "capture/recording_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::span<const uint8_t> bytes(data, size);
    auto reader = tcplab::CaptureFileReader::from_memory(bytes);
    if (!reader) return 0;
    auto loaded = tcplab::read_trace(*reader);
    if (loaded) {
        // Touch what a view would: every packet's bytes and its decoding.
        const tcplab::Trace& trace = loaded->trace;
        for (const tcplab::PacketEvent& packet : trace.packets()) (void)trace.decode(packet);
    }
    return 0;
}
