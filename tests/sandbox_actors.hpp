#pragma once
// A fixture for testing socket calls on the real kernel: a fresh sandbox (one
// host) with a client and a server actor, and what their calls reported.
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/actor.hpp"
#include "scenarios/sandbox.hpp"
#include "tests/environment.hpp"

namespace tcplab::test {

class SandboxActors : public ::testing::Test {
protected:
    void SetUp() override {
        if (auto missing = missing_sandbox()) GTEST_SKIP() << *missing;
        auto made = Sandbox::create();
        ASSERT_TRUE(made) << made.error().what;
        sandbox_.emplace(std::move(made.value()));
        client_.emplace(Actor::Client, *sandbox_);
        server_.emplace(Actor::Server, *sandbox_);
        ASSERT_TRUE(client_->in_sandbox());
        ASSERT_TRUE(server_->in_sandbox());
    }

    void TearDown() override {
        client_.reset();
        server_.reset();
    }

    void on_client(std::function<void(Calls&)> job) { client_->run(std::move(job)).get(); }
    void on_server(std::function<void(Calls&)> job) { server_->run(std::move(job)).get(); }

    // The events of `call` the actor reported so far (the others are read and left out).
    static std::vector<CallEvent> drain(ActorThread& actor, const std::string& call) {
        std::vector<CallEvent> events;
        while (auto event = actor.calls().pop())
            if (event->call == call) events.push_back(std::move(*event));
        return events;
    }

    std::optional<Sandbox> sandbox_;
    std::optional<ActorThread> client_;
    std::optional<ActorThread> server_;
};

}  // namespace tcplab::test
