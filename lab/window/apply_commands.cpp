#include "apply_commands.hpp"

namespace tcplab {
namespace {

// std::visit over a set of lambdas, one per command.
template <class... Lambdas>
struct Overloaded : Lambdas... {
    using Lambdas::operator()...;
};

void forget_packets(SharedViewState& shared) {
    shared.selected_packet.reset();
    shared.hovered_packet.reset();
}

}  // namespace

void apply_commands(Outbox& outbox, StepController& controller, ReplayUi& files, SharedViewState& shared,
                    ProgramInput* program_input) {
    // A command may not add commands, but taking the list first keeps the loop safe if one ever does.
    Outbox commands;
    commands.swap(outbox);
    for (const Command& command : commands) {
        if (files.holds_for_unsaved_notes(command)) continue;  // asked first: Save, Discard or Cancel
        std::visit(
            Overloaded{
                [&](const command::LoadLesson& load) {
                    forget_packets(shared);
                    (void)controller.load(load.name);  // an error is the controller's, shown by the window
                },
                [&](const command::Reset&) {
                    forget_packets(shared);
                    controller.reset();
                },
                [&](const command::Step&) { controller.step(); },
                [&](const command::Back&) { controller.back(); },
                [&](const command::Forward&) { controller.forward(); },
                [&](const command::TogglePlay&) { controller.toggle_play(); },
                [&](const command::SetPlaySpeed& speed) {
                    controller.play().seconds_between_steps = speed.seconds_between_steps;
                },
                [&](const command::SetRunOptions& options) { controller.options() = options.options; },
                [&](const command::ReleaseHeld& held) { controller.release_held(held.segment); },
                [&](const command::DropHeld& held) { controller.drop_held(held.segment); },
                [&](const command::ReleaseAllHeld&) { controller.release_all_held(); },
                [&](const command::SetLatency& latency) { controller.set_latency(latency.latency); },
                [&](const command::SetLoss& loss) { controller.set_loss(loss.probability); },
                [&](const command::SkipTimeWait&) { controller.skip_time_wait(); },
                [&](const command::EndProgramInput&) {
                    if (program_input) program_input->end();
                },
                [&](const command::AddNote& note) { controller.add_note(note.note); },
                [&](const command::EditNote& edit) { controller.edit_note(edit.note, edit.text); },
                [&](const command::DeleteNote& note) { controller.edit_note(note.note, std::nullopt); },
                [&](const command::OpenFile& open) { files.open_file(open.path); },
                [&](const command::StartRecording& record) { files.start_recording(record.path, record.overwrite); },
                [&](const command::StopRecording&) { files.stop_recording(); },
                [&](const command::Save&) { files.save(); },
                [&](const command::SaveAs& save) {
                    files.save_as(save.path, save.overwrite);
                    files.continue_leaving(outbox);
                },
                [&](const command::ExportLadderSvg& svg) { files.export_svg(svg.path); },
                [&](const command::ExportLadderPng& png) { files.export_png(png.path); },
                [&](const command::AnswerUnsaved& answer) { files.answer_unsaved(answer.choice, outbox); },
            },
            command);
    }
}

}  // namespace tcplab
