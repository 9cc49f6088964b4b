#!/usr/bin/env python3
"""Start-up: from launch to the first drawn frame, as a user waits for it (budget: 300 ms).

Starts `tcplab gui --frames N --report-first-frame` several times and measures, from
the moment the process is spawned, when it prints that its first frame is on screen
(after glfwSwapBuffers and glFinish). Needs a display; under CI use Xvfb:

    xvfb-run -a -s "-screen 0 1600x900x24" python3 bench/startup.py --build build
"""
import argparse
import statistics
import subprocess
import sys
import time


def launch_once(tcplab, scenario):
    command = [tcplab, "gui", "--frames", "3", "--report-first-frame"]
    if scenario:
        command += ["--scenario", scenario]
    started = time.monotonic()
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    first_frame = None
    inside = None
    for line in process.stderr:
        if "first frame drawn after" in line:
            first_frame = (time.monotonic() - started) * 1000
            inside = float(line.split("after")[1].split("ms")[0])
            break
    process.stderr.read()
    process.wait()
    if first_frame is None:
        sys.exit(f"{' '.join(command)} exited with {process.returncode} before drawing a frame")
    return first_frame, inside


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build", help="the CMake build directory")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scenario", default="handshake")
    arguments = parser.parse_args()
    tcplab = f"{arguments.build}/lab/tcplab"
    launch_once(tcplab, arguments.scenario)  # warm the page cache: a second launch is what a class sees
    results = [launch_once(tcplab, arguments.scenario) for _ in range(arguments.runs)]
    from_launch = sorted(result[0] for result in results)
    from_main = sorted(result[1] for result in results)
    print(f"launch to first frame ({arguments.runs} runs, {arguments.scenario}): "
          f"median {statistics.median(from_launch):.0f} ms, min {from_launch[0]:.0f}, max {from_launch[-1]:.0f}; "
          f"from main(): median {statistics.median(from_main):.0f} ms "
          f"({'met' if statistics.median(from_launch) < 300 else 'NOT MET'}: budget 300 ms)")


if __name__ == "__main__":
    main()
