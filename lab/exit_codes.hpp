#pragma once
// What tcplab's exit status means, for every command: a script (or a CI job)
// can rely on these numbers, so they are written down once, here, and the
// README lists them. Above 2 they follow sysexits.h, so the shell's usual
// readers understand them too.
namespace tcplab::exit_code {

inline constexpr int kOk = 0;
inline constexpr int kExpectationFailed = 1;  // a lesson ran, and the kernel did not do what a step expected
inline constexpr int kEnvironment = 2;        // no sandbox, no capture, no display, missing assets
inline constexpr int kUsage = 64;             // EX_USAGE: a wrong argument or a broken lesson file
inline constexpr int kFileDamaged = 65;       // EX_DATAERR: a capture shown (or exported) up to its fault
inline constexpr int kFileUnreadable = 66;    // EX_NOINPUT: no such file, or not a capture at all
inline constexpr int kCannotWrite = 73;       // EX_CANTCREAT: the output file cannot be written
inline constexpr int kTimedOut = 124;         // exec --timeout ended the programs (as timeout(1) says it)
inline constexpr int kCannotExecute = 126;    // the program asked for exists but cannot be run (as the shell says it)
inline constexpr int kCommandNotFound = 127;  // the program asked for does not exist (as the shell says it)
inline constexpr int kInterrupted = 130;      // 128 + SIGINT: Ctrl-C, after the recording was closed cleanly

}  // namespace tcplab::exit_code
