#include "step_controller.hpp"

#include <algorithm>

#include "scenarios/lesson_file.hpp"

namespace tcplab {

StepController::StepController(RunOptions options) : options_(options) {}

StepController::~StepController() {
    // A recording in progress ends with the window: what it holds stays on disk.
    if (recording_) (void)recording_->finish();
}

void StepController::end_live_run() {
    if (recording_) {
        if (run_) (void)recording_->sync(*run_);
        (void)recording_->finish();
        recording_.reset();
    }
    run_.reset();
    replay_.reset();
    ++generation_;
    live_notes_.clear();
    shown_ = 0;
    held_.clear();
    step_requested_ = false;
    play_.playing = false;
    time_wait_skipped_.reset();
    ++run_number_;
}

Status StepController::load(const std::string& name) {
    // A built-in lesson by name, or a lesson file an instructor wrote.
    auto found = find_lesson(name);
    if (!found) {
        error_ = found.error();
        return *error_;
    }
    // The old run ends first: its sandbox and threads go before a new one starts.
    end_live_run();
    maker_ = nullptr;
    return start_live(name, [&] { return LessonRun::start(found.value(), options_); });
}

Status StepController::load_made(const std::string& name, RunMaker make) {
    end_live_run();
    maker_ = std::move(make);
    return start_live(name, maker_);
}

Status StepController::start_live(const std::string& name, const RunMaker& start) {
    live_lesson_name_ = name;
    auto started = start();
    if (!started) {
        error_ = started.error();
        return *error_;
    }
    error_.reset();
    run_ = std::move(started.value());
    ++generation_;
    return Done{};
}

void StepController::open_replay(Replay replay) {
    end_live_run();
    error_.reset();
    replay_ = std::make_unique<Replay>(std::move(replay));
    ++generation_;
}

const std::map<std::string, std::map<std::string, std::string>>* StepController::lesson_texts() const {
    if (replay_) return replay_->loaded.lesson ? &replay_->loaded.lesson->texts : nullptr;
    return run_ ? &run_->lesson().texts : nullptr;
}

void StepController::reset() {
    if (replay_) {
        shown_ = 0;
        play_.playing = false;
        return;
    }
    if (maker_)
        load_made(live_lesson_name_, maker_);
    else if (!live_lesson_name_.empty())
        load(live_lesson_name_);
}

const Trace* StepController::trace() const {
    if (replay_) return &replay_->loaded.trace;
    return run_ ? &run_->trace() : nullptr;
}

std::string StepController::lesson_name() const {
    if (replay_) return replay_->lesson;
    return run_ ? run_->lesson().name : "";
}

size_t StepController::step_count() const {
    if (replay_) return replay_->steps.size();
    return run_ ? run_->lesson().steps.size() : 0;
}

std::string StepController::step_key(size_t index) const {
    if (replay_) return index < replay_->steps.size() ? replay_->steps[index].key : "";
    if (!run_ || index >= run_->lesson().steps.size()) return "";
    return run_->lesson().steps[index].key;
}

const StepOutcome* StepController::step_outcome(size_t index) const {
    if (replay_) {
        if (index >= replay_->steps.size() || !replay_->steps[index].outcome) return nullptr;
        return &*replay_->steps[index].outcome;
    }
    if (!run_ || index >= run_->outcomes().size()) return nullptr;
    return &run_->outcomes()[index];
}

bool StepController::at_end() const {
    if (replay_) return shown_ == step_count();
    return !run_ || (shown_ == step_count() && !run_->stepping());
}

void StepController::step() {
    if (replay_) {
        if (shown_ < step_count()) ++shown_;
        return;
    }
    if (!run_) return;
    if (run_->wire() && !held_.empty()) {
        run_->wire()->release(held_.front().segment, WireActor::Student);
        return;
    }
    if (shown_ < run_->steps_done()) {
        ++shown_;  // already run: just show it
        return;
    }
    if (!run_->finished()) step_requested_ = true;
}

void StepController::release_held(uint64_t segment) {
    if (run_ && run_->wire()) run_->wire()->release(segment, WireActor::Student);
}

void StepController::drop_held(uint64_t segment) {
    if (run_ && run_->wire()) run_->wire()->drop(segment, WireActor::Student);
}

void StepController::release_all_held() {
    if (run_ && run_->wire()) run_->wire()->release_all(WireActor::Student);
}

void StepController::set_latency(std::chrono::microseconds latency) {
    if (run_ && run_->wire()) run_->wire()->set_latency(latency);
}

void StepController::set_loss(double probability) {
    if (run_ && run_->wire()) run_->wire()->set_loss(probability);
}

void StepController::skip_time_wait() {
    if (run_ && !run_->stepping()) time_wait_skipped_ = run_->skip_time_wait();
}

void StepController::back() {
    if (shown_ > 0 && !busy()) --shown_;
}

void StepController::forward() { step(); }

void StepController::toggle_play() {
    play_.playing = !play_.playing;
    last_play_step_ = {};
}

void StepController::update(SharedViewState& shared) {
    if (!run_ && !replay_) return;
    if (run_) {
        if (step_requested_ && !run_->stepping()) {
            step_requested_ = false;
            run_->begin_step();
        }
        if (run_->poll()) {
            shown_ = run_->steps_done();
            // A step that walks through a header puts its segment in the packet detail.
            if (const auto packet = run_->outcomes().back().shown_packet) shared.selected_packet = *packet;
        }
        held_.clear();
        if (Wire* wire = run_->wire()) {
            held_ = wire->held();
            std::sort(held_.begin(), held_.end(),
                      [](const HeldPacket& a, const HeldPacket& b) { return a.segment < b.segment; });
        }
        if (recording_) {
            if (Status synced = recording_->sync(*run_); !synced) {
                error_ = Error{"recording stopped: " + synced.error().what, synced.error().remedy};
                (void)recording_->finish();
                recording_.reset();
            }
        }
    }

    if (play_.playing) {
        const auto now = std::chrono::steady_clock::now();
        const auto wait = std::chrono::duration<float>(play_.seconds_between_steps);
        if (at_end())
            play_.playing = false;
        else if (!busy() && now - last_play_step_ >= wait) {
            last_play_step_ = now;
            step();
        }
    }

    // While a step runs, show everything as it arrives; otherwise the end of
    // the last step shown (or, before the first, nothing at all). A capture
    // with no steps shows everything.
    if (replay_) {
        if (replay_->steps.empty())
            shared.cursor_ns = 0;
        else if (shown_ == 0)
            shared.cursor_ns = 1;
        else
            shared.cursor_ns = replay_->steps[shown_ - 1].end_ns;
        return;
    }
    if (busy())
        shared.cursor_ns = 0;
    else if (shown_ == 0)
        shared.cursor_ns = 1;
    else
        shared.cursor_ns = run_->outcomes()[shown_ - 1].end_ns;
}

std::optional<ReplayStep> StepController::current_step() const {
    if (shown_ == 0) return std::nullopt;
    if (replay_) return replay_->steps[shown_ - 1];
    if (!run_ || shown_ > run_->outcomes().size()) return std::nullopt;
    const StepOutcome& outcome = run_->outcomes()[shown_ - 1];
    return ReplayStep{static_cast<int>(shown_ - 1), step_key(shown_ - 1), outcome.begin_ns, outcome.end_ns, outcome};
}

void StepController::add_note(NoteEvent note) {
    if (replay_) {
        replay_->loaded.trace.add_note(std::move(note));
        replay_->notes_changed = true;
        return;
    }
    if (!run_) return;
    if (recording_) {
        if (Status written = recording_->add_note(note); !written)
            error_ = Error{"recording: " + written.error().what, written.error().remedy};
    }
    live_notes_.push_back(std::move(note));
}

namespace {

// The index of `note` in `notes`, found by what it is.
std::optional<size_t> find_note(const std::vector<NoteEvent>& notes, const NoteEvent& note) {
    for (size_t index = 0; index < notes.size(); ++index)
        if (notes[index].time_ns == note.time_ns && notes[index].step == note.step && notes[index].key == note.key)
            return index;
    return std::nullopt;
}

}  // namespace

bool StepController::notes_editable() const { return replay_ != nullptr || (run_ && !recording_); }

void StepController::edit_note(const NoteEvent& note, std::optional<std::string> text) {
    if (!notes_editable()) return;
    if (replay_) {
        Trace& trace = replay_->loaded.trace;
        const std::optional<size_t> index = find_note(trace.notes(), note);
        // A step's own start is not an instructor's note: it stays.
        if (!index || is_step_start(trace, *index)) return;
        if (text)
            trace.set_note_text(*index, std::move(*text));
        else
            trace.remove_note(*index);
        replay_->notes_changed = true;
        return;
    }
    const std::optional<size_t> index = find_note(live_notes_, note);
    if (!index) return;
    if (text)
        live_notes_[*index].key = std::move(*text);
    else
        live_notes_.erase(live_notes_.begin() + static_cast<std::ptrdiff_t>(*index));
}

std::vector<InstructorNote> StepController::notes() const {
    if (replay_) return instructor_notes(replay_->loaded.trace);
    std::vector<InstructorNote> found;
    if (!run_) return found;
    for (size_t index = 0; index < live_notes_.size(); ++index) {
        const NoteEvent& note = live_notes_[index];
        InstructorNote described;
        described.note_index = index;
        described.text = note.key;
        described.event = note;
        if (note.step >= 0)
            described.step = static_cast<size_t>(note.step);
        else
            described.packet = packet_at_time(run_->trace(), note.time_ns);
        found.push_back(std::move(described));
    }
    return found;
}

Status StepController::start_recording(const std::string& path, bool overwrite) {
    if (!run_) return Error{"there is no live run to record", "pick a lesson first"};
    if (recording_) return Error{"already recording to " + recording_->path(), ""};
    auto started = LiveRecording::start(path, overwrite, *run_);
    if (!started) return started.error();
    recording_ = std::move(*started);
    // Notes made before Record was pressed belong in the file too.
    for (const NoteEvent& note : live_notes_)
        if (Status written = recording_->add_note(note); !written) return written;
    return Done{};
}

Result<RecordingInfo> StepController::stop_recording() {
    if (!recording_) return Error{"not recording", ""};
    if (run_) (void)recording_->sync(*run_);
    auto info = recording_->finish();
    recording_.reset();
    return info;
}

}  // namespace tcplab
