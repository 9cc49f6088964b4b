#!/usr/bin/env python3
"""Opening a capture: tcplab beside tshark, tcpdump and the header-walk limit, in time and memory.

Generates realistic captures with tcplab-gen (1 M and 10 M packets, pcap and
pcapng), runs on each the same work, and prints one table:

  tcplab stats FILE                      decode, connections, relative seq/ack, inferred states
  tshark -r FILE -T fields -e frame.time_epoch -e tcp.flags -e tcp.seq -e tcp.ack
  tcpdump -nn -r FILE > /dev/null
  tcplab-gen --walk FILE                 only the record headers: the limit (the faster of read and mmap)

Wall time and peak memory come from /usr/bin/time (GNU time), or from
getrusage of the child when it is missing. The ratios compare packets per
second in wall time; the CPU column is user + system seconds, which stays
meaningful when other work shares the machine.

  python3 bench/compare.py --build build-perf1            # 1 M and 10 M, pcap and pcapng
  python3 bench/compare.py --build build --sizes 1000000 --formats pcapng
"""
import argparse
import datetime
import json
import os
import resource
import shutil
import subprocess
import sys
import time

BUDGET_TSHARK = 20.0  # at least 20x tshark's packets/s
BUDGET_TCPDUMP = 2.0  # at least 2x tcpdump's
BUDGET_LIMIT = 0.5  # within 2x of the header walk
BUDGET_BYTES_PER_PACKET = 64
BUDGET_PEAK_10M = 1e9  # bytes, for a 10 M-packet file


def measure(command, stdout_to_null=True):
    """Runs a command; returns (wall seconds, cpu seconds, peak bytes, stdout)."""
    gnu_time = shutil.which("time") if os.path.exists("/usr/bin/time") else None
    stdout = subprocess.DEVNULL if stdout_to_null else subprocess.PIPE
    if gnu_time:
        report = "/tmp/tcplab-compare-time.txt"
        full = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", report] + command
        completed = subprocess.run(full, stdout=stdout, stderr=subprocess.DEVNULL, text=True)
        with open(report) as handle:
            wall, user, system, peak_kb = handle.read().split()[-4:]
        output = completed.stdout if not stdout_to_null else ""
        if completed.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} exited with {completed.returncode}")
        return float(wall), float(user) + float(system), int(peak_kb) * 1024, output
    # No GNU time: measure the child ourselves.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    completed = subprocess.run(command, stdout=stdout, stderr=subprocess.DEVNULL, text=True)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {completed.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss * 1024, completed.stdout if not stdout_to_null else ""


def generate(gen, directory, packets, file_format, seed):
    path = os.path.join(directory, f"gen-{packets // 1000}k-seed{seed}.{file_format}")
    if not os.path.exists(path):
        print(f"generating {path} ...", file=sys.stderr, flush=True)
        subprocess.run([gen, "-n", str(packets), "--format", file_format, "--seed", str(seed), "-o", path],
                       check=True, stdout=subprocess.DEVNULL)
    return path


def verdict(ok):
    return "met" if ok else "NOT MET"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build", help="the CMake build directory (Release)")
    parser.add_argument("--sizes", default="1000000,10000000", help="packet counts, comma-separated")
    parser.add_argument("--formats", default="pcap,pcapng")
    parser.add_argument("--dir", default="/tmp/tcplab-compare", help="where the generated files go (kept for reuse)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip", default="", help="tools to leave out, e.g. tshark")
    parser.add_argument("--json", help="also write the rows to this JSON file")
    arguments = parser.parse_args()

    tcplab = os.path.join(arguments.build, "lab", "tcplab")
    tcplab_stats = [tcplab, "stats"]
    if not os.access(tcplab, os.X_OK):
        # The same stats code without the window's libraries (bench/stats_main.cpp).
        tcplab = os.path.join(arguments.build, "bench", "tcplab-stats")
        tcplab_stats = [tcplab]
    gen = os.path.join(arguments.build, "bench", "tcplab-gen")
    for binary in (tcplab, gen):
        if not os.access(binary, os.X_OK):
            sys.exit(f"compare.py: {binary} is missing: build it first (cmake --build {arguments.build})")
    os.makedirs(arguments.dir, exist_ok=True)
    skip = set(filter(None, arguments.skip.split(",")))

    rows = []
    for packets in [int(size) for size in arguments.sizes.split(",")]:
        for file_format in arguments.formats.split(","):
            path = generate(gen, arguments.dir, packets, file_format, arguments.seed)
            name = os.path.basename(path)
            # Warm the page cache, so every tool reads the same cached file.
            subprocess.run([gen, "--walk", path], stdout=subprocess.DEVNULL, check=True)
            results = {}
            walks = []
            for method in ("read", "mmap"):
                wall, cpu, peak, _ = measure([gen, "--walk", path, "--method", method])
                walks.append((wall, cpu, peak, method))
            wall, cpu, peak, method = min(walks)
            results["limit"] = dict(tool=f"header walk ({method})", wall=wall, cpu=cpu, peak=peak)
            if "tcpdump" not in skip and shutil.which("tcpdump"):
                wall, cpu, peak, _ = measure(["tcpdump", "-nn", "-r", path])
                results["tcpdump"] = dict(tool="tcpdump -nn -r", wall=wall, cpu=cpu, peak=peak)
            if "tshark" not in skip and shutil.which("tshark"):
                print(f"tshark on {name} (minutes for 10 M packets) ...", file=sys.stderr, flush=True)
                wall, cpu, peak, _ = measure(["tshark", "-r", path, "-T", "fields", "-e", "frame.time_epoch", "-e",
                                              "tcp.flags", "-e", "tcp.seq", "-e", "tcp.ack"])
                results["tshark"] = dict(tool="tshark -T fields", wall=wall, cpu=cpu, peak=peak)
            wall, cpu, peak, output = measure(tcplab_stats + ["--json", path], stdout_to_null=False)
            stats = json.loads(output)
            results["tcplab"] = dict(tool="tcplab stats", wall=wall, cpu=cpu, peak=peak, stats=stats)
            count = stats["packets"]
            for key, result in results.items():
                result.update(file=name, packets=count, key=key, pps=count / result["wall"] if result["wall"] else 0,
                              cpu_pps=count / result["cpu"] if result["cpu"] else 0)
                rows.append(result)

    # One table: every tool on every file, and tcplab's ratios against the budgets.
    header = ["tool", "file", "packets", "seconds", "cpu s", "packets/s", "peak MB", "bytes/pkt",
              "vs tshark (>=20x)", "vs tcpdump (>=2x)", "vs limit (>=0.5x)", "memory"]
    table = []
    for row in rows:
        cells = [row["tool"], row["file"], f"{row['packets']:,}", f"{row['wall']:.2f}", f"{row['cpu']:.2f}",
                 f"{row['pps'] / 1e6:.2f} M", f"{row['peak'] / 1e6:.0f}", "", "", "", "", ""]
        if row["key"] == "tcplab":
            stats = row["stats"]
            cells[7] = f"{stats['packet_event_bytes']} / {stats['trace_bytes_per_packet']:.0f}"
            same_file = {other["key"]: other for other in rows if other["file"] == row["file"]}

            def ratio(key, budget, row=row, same_file=same_file):
                if key not in same_file:
                    return "-"
                value = row["pps"] / same_file[key]["pps"]
                cpu_value = row["cpu_pps"] / same_file[key]["cpu_pps"] if same_file[key]["cpu_pps"] else 0
                return f"{value:.1f}x {verdict(value >= budget)} (cpu {cpu_value:.1f}x)"

            cells[8] = ratio("tshark", BUDGET_TSHARK)
            cells[9] = ratio("tcpdump", BUDGET_TCPDUMP)
            cells[10] = ratio("limit", BUDGET_LIMIT)
            memory_ok = stats["packet_event_bytes"] <= BUDGET_BYTES_PER_PACKET
            if row["packets"] >= 10_000_000:
                memory_ok = memory_ok and row["peak"] < BUDGET_PEAK_10M
            cells[11] = verdict(memory_ok)
        table.append(cells)
    widths = [max(len(str(line[column])) for line in [header] + table) for column in range(len(header))]
    print(f"# tcplab open budgets, {datetime.date.today().isoformat()}, {os.uname().nodename}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print("| " + " | ".join(name.ljust(width) for name, width in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    for cells in table:
        print("| " + " | ".join(str(cell).ljust(width) for cell, width in zip(cells, widths)) + " |")
    print("bytes/pkt: the packet record / the whole trace (connections, inferred states, indexes) per packet; "
          "raw bytes stay in the file. memory: record <= 64 bytes, and under 1 GB peak for 10 M packets.")
    if arguments.json:
        with open(arguments.json, "w") as handle:
            json.dump(rows, handle, indent=1, default=str)


if __name__ == "__main__":
    main()
