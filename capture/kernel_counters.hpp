#pragma once
// The kernel's TCP counters (what `nstat` and `netstat -s` show), read from
// /proc/net/snmp (group "Tcp") and /proc/net/netstat (group "TcpExt"). Each
// network namespace has its own counters, so a thread inside the sandbox reads
// the sandbox's: through /proc/thread-self/net, which follows the calling
// thread's namespace (/proc/self/net follows the main thread's).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "result.hpp"

namespace tcplab {

// Counter values keyed "Group.Name", e.g. "Tcp.ActiveOpens", "TcpExt.ListenOverflows".
// Signed because the kernel prints Tcp.MaxConn as -1.
using CounterValues = std::map<std::string, int64_t>;

// One reading of the counters at one moment.
struct CounterSample {
    int64_t time_ns = 0;  // CLOCK_REALTIME, like every event in a trace
    CounterValues values;

    std::optional<int64_t> value(const std::string& key) const;
};

// What the counters view shows: the counters now and as they were when the run started.
struct KernelCounters {
    CounterSample at_start;
    CounterSample latest;

    // latest - at_start, when both samples have the counter.
    std::optional<int64_t> change(const std::string& key) const;
};

// Parses the two-line format of /proc/net/snmp and /proc/net/netstat: a line
// "Group: Name1 Name2 ..." followed by "Group: v1 v2 ...". Every group in the
// text is kept. A header without a matching value line, or a count mismatch,
// is an error that names the group.
Result<CounterValues> parse_proc_counters(std::string_view text);

// Reads and merges /proc/thread-self/net/snmp and /proc/thread-self/net/netstat.
Result<CounterSample> read_kernel_counters();

}  // namespace tcplab
