// Scripts for the wire's gate: parsing with useful errors, and the moves they make.
#include "lab/gate_script.hpp"

#include <gtest/gtest.h>

namespace tcplab {
namespace {

HeldPacket held(uint64_t segment) { return HeldPacket{segment, 0, WireDirection::ToServer, {}}; }

TEST(GateScript, ParsesActionsAndDefaultsToRelease) {
    auto script = GateScript::parse("drop 2; hold 4, release 7");
    ASSERT_TRUE(script.ok());
    EXPECT_EQ(script->decision_for(2), GateDecision::Drop);
    EXPECT_EQ(script->decision_for(4), GateDecision::Hold);
    EXPECT_EQ(script->decision_for(7), GateDecision::Release);
    EXPECT_EQ(script->decision_for(1), GateDecision::Release);
    EXPECT_TRUE(GateScript::parse("").value().empty());
}

TEST(GateScript, BadScriptsSayWhatWasExpected) {
    for (const char* bad : {"drop", "drop x", "drop 0", "drop -1", "explode 3", "drop 3 4"}) {
        auto script = GateScript::parse(bad);
        ASSERT_FALSE(script.ok()) << bad;
        EXPECT_FALSE(script.error().remedy.empty());
    }
    EXPECT_NE(GateScript::parse("explode 3").error().what.find("explode"), std::string::npos);
}

TEST(GateScript, DropAndReleaseHappenAtOnce) {
    const GateScript script = GateScript::parse("drop 2").value();
    std::vector<uint64_t> waiting;
    const auto moves = plan_gate_moves({held(2), held(1)}, script, waiting);
    ASSERT_EQ(moves.size(), 2u);
    EXPECT_EQ(moves[0].segment, 1u);
    EXPECT_EQ(moves[0].decision, GateDecision::Release);
    EXPECT_EQ(moves[1].segment, 2u);
    EXPECT_EQ(moves[1].decision, GateDecision::Drop);
}

TEST(GateScript, HeldSegmentFollowsTheNextOneReleased) {
    const GateScript script = GateScript::parse("hold 4").value();
    std::vector<uint64_t> waiting;
    EXPECT_TRUE(plan_gate_moves({held(4)}, script, waiting).empty());  // alone at the gate: it waits
    EXPECT_EQ(waiting, std::vector<uint64_t>{4});
    EXPECT_TRUE(plan_gate_moves({held(4)}, script, waiting).empty());  // still waiting, not planned twice
    const auto moves = plan_gate_moves({held(4), held(5)}, script, waiting);
    ASSERT_EQ(moves.size(), 2u);
    EXPECT_EQ(moves[0].segment, 5u);  // 5 overtakes 4
    EXPECT_EQ(moves[1].segment, 4u);
    EXPECT_TRUE(waiting.empty());
}

}  // namespace
}  // namespace tcplab
