// Test binaries that run lessons prepare the process as tcplab's main() does
// (a user namespace when not root) before gtest or any thread starts. When
// that is refused, the tests that need the sandbox skip and say why
// (environment.hpp); the others run.
#include <gtest/gtest.h>

#include <cstdio>

#include "scenarios/sandbox.hpp"
#include "tests/environment.hpp"

int main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    if (auto prepared = tcplab::prepare_process(); !prepared) {
        std::fprintf(stderr, "tests cannot prepare the sandbox: %s\n", prepared.error().what.c_str());
        tcplab::test::process_not_prepared() = prepared.error().what;
    }
    return RUN_ALL_TESTS();
}
