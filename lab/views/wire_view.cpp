#include "wire_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "item_marks.hpp"
#include "lab/views/step_controller.hpp"

namespace tcplab {
namespace {

std::string held_label(const LabContext& context, const HeldPacket& packet) {
    const DecodedPacket decoded = decode_frame(LinkType::Raw, packet.bytes);
    const bool to_server = packet.direction == WireDirection::ToServer;
    std::string label =
        "#" + std::to_string(packet.segment) + "  " + context.text(to_server ? "actor.client" : "actor.server") +
        " → " + context.text(to_server ? "actor.server" : "actor.client") + "  " + flags_label(decoded.tcp.flags);
    // Relative numbers, as in every other view, once the connection is known.
    for (const Connection& connection : context.trace.connections()) {
        const bool forward =
            decoded.source_endpoint() == connection.client && decoded.destination_endpoint() == connection.server;
        const bool backward =
            decoded.source_endpoint() == connection.server && decoded.destination_endpoint() == connection.client;
        if (!forward && !backward) continue;
        const bool relative = context.shared.relative_numbers;
        const uint32_t seq =
            decoded.tcp.seq - (relative ? (forward ? connection.client_base : connection.server_base) : 0);
        label += " seq=" + std::to_string(seq);
        if (decoded.tcp.flags & tcp_flag::Ack) {
            const uint32_t ack =
                decoded.tcp.ack - (relative ? (forward ? connection.server_base : connection.client_base) : 0);
            label += " ack=" + std::to_string(ack);
        }
        break;
    }
    return label + " len=" + std::to_string(decoded.payload_length);
}

}  // namespace

void WireView::draw(LabContext& context) {
    // While a lesson starts, its own wire settings are not known yet.
    if (!context.controller || context.controller->starting()) return;
    draw_setup(context);
    const LessonRun* run = context.controller->run();
    if (run && run->wire()) {
        ImGui::Separator();
        draw_gate(context, *run->wire());
    }
}

// Settings for the next run: they take effect on Reset (a new sandbox and wire).
void WireView::draw_setup(LabContext& context) {
    const StepController& controller = *context.controller;
    RunOptions options = controller.options();
    bool changed = false;
    // A lesson may ask for two hosts itself; the box shows what the run really is.
    const LessonRun* run = controller.run();
    bool two_hosts = options.topology == Topology::TwoHosts ||
                     (options.lesson_settings && run && run->topology() == Topology::TwoHosts);
    const bool needs_wire = run && run->needs_wire();
    ImGui::BeginDisabled(needs_wire);
    const bool two_hosts_changed = ImGui::Checkbox(context.text("wire_view.two_hosts").c_str(), &two_hosts);
    ImGui::EndDisabled();
    item_marks::mark("wire.two_hosts");
    if (two_hosts_changed) {
        options.topology = two_hosts ? Topology::TwoHosts : Topology::Loopback;
        options.lesson_settings = two_hosts;
        changed = true;
    }
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("%s",
                          context.text(needs_wire ? "wire_view.needs_wire_tip" : "wire_view.two_hosts_tip").c_str());
    if (!two_hosts) {
        ImGui::TextDisabled("%s", context.text("wire_view.loopback_note").c_str());
        if (changed) context.ask(command::SetRunOptions{options});
        return;
    }
    int mtu = static_cast<int>(options.wire.mtu);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    if (ImGui::InputInt(context.text("wire_view.mtu").c_str(), &mtu, 64, 256)) {
        options.wire.mtu = static_cast<uint32_t>(std::clamp(mtu, 576, 9000));
        changed = true;
    }
    bool gated = options.wire.gated;
    if (ImGui::Checkbox(context.text("wire_view.step_mode").c_str(), &gated)) {
        options.wire.gated = gated;
        // Long enough for a student to think before a socket call gives up.
        options.call_timeout_seconds = gated ? 600 : 5;
        changed = true;
    }
    item_marks::mark("wire.step_mode");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", context.text("wire_view.step_mode_tip").c_str());
    if (changed) context.ask(command::SetRunOptions{options});
    const bool apply = ImGui::Button(context.text("wire_view.apply").c_str());
    item_marks::mark("wire.apply");
    if (apply) context.ask(command::Reset{});
}

void WireView::draw_gate(LabContext& context, const Wire& wire) {
    // The sliders start from the run's own wire (a lesson sets its latency).
    if (const LessonRun* run = context.controller->run(); run && context.controller->run_number() != synced_run_) {
        synced_run_ = context.controller->run_number();
        latency_ms_ = static_cast<float>(run->options().wire.latency.count()) / 1000.0f;
        loss_percent_ = static_cast<float>(run->options().wire.loss * 100.0);
    }
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    if (ImGui::SliderFloat(context.text("wire_view.latency").c_str(), &latency_ms_, 0.0f, 500.0f, "%.0f ms"))
        context.ask(command::SetLatency{std::chrono::microseconds(static_cast<int64_t>(latency_ms_ * 1000))});
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    if (ImGui::SliderFloat(context.text("wire_view.loss").c_str(), &loss_percent_, 0.0f, 50.0f, "%.0f %%"))
        context.ask(command::SetLoss{loss_percent_ / 100.0});

    const WireStats stats = wire.stats();
    ImGui::TextDisabled("%s %llu  %s %llu  %s %llu  %s %llu", context.text("wire_view.relayed").c_str(),
                        static_cast<unsigned long long>(stats.relayed), context.text("wire.dropped").c_str(),
                        static_cast<unsigned long long>(stats.dropped), context.text("wire.lost").c_str(),
                        static_cast<unsigned long long>(stats.lost), context.text("wire.vanished").c_str(),
                        static_cast<unsigned long long>(stats.vanished));

    const std::vector<HeldPacket>& held = context.controller->held();
    if (held.empty()) {
        ImGui::TextDisabled("%s", context.text("wire_view.nothing_held").c_str());
        return;
    }
    ImGui::TextUnformatted(context.text("wire_view.held_heading").c_str());
    if (ImGui::Button(context.text("wire_view.release_all").c_str())) context.ask(command::ReleaseAllHeld{});
    item_marks::mark("wire.release_all");
    if (ImGui::BeginTable("held", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
        for (const HeldPacket& packet : held) {
            ImGui::PushID(static_cast<int>(packet.segment));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(held_label(context, packet).c_str());
            ImGui::TableNextColumn();
            const std::string row = std::to_string(&packet - held.data());
            if (ImGui::SmallButton(context.text("wire_view.release").c_str()))
                context.ask(command::ReleaseHeld{packet.segment});
            item_marks::mark("wire.release." + row);
            ImGui::TableNextColumn();
            if (ImGui::SmallButton(context.text("wire_view.drop").c_str()))
                context.ask(command::DropHeld{packet.segment});
            item_marks::mark("wire.drop." + row);
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    ImGui::TextDisabled("%s", context.text("wire_view.reorder_hint").c_str());
}

}  // namespace tcplab
