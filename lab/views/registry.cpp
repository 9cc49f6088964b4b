// One line per view: add a view here and it appears in the window and the View menu.
#include "registry.hpp"

#include "framing_view.hpp"
#include "ladder_view.hpp"
#include "lesson_bar.hpp"
#include "packet_detail_view.hpp"
#include "predict_view.hpp"
#include "program_output_view.hpp"
#include "sockets_view.hpp"
#include "state_machine_view.hpp"
#include "timeline_view.hpp"
#include "wire_view.hpp"

namespace tcplab {

std::vector<std::unique_ptr<View>> make_views() {
    std::vector<std::unique_ptr<View>> views;
    views.push_back(std::make_unique<LessonBar>());
    views.push_back(std::make_unique<TimelineView>());
    views.push_back(std::make_unique<LadderView>());
    views.push_back(std::make_unique<StateMachineView>());
    views.push_back(std::make_unique<PacketDetailView>());
    views.push_back(std::make_unique<SocketsView>());
    views.push_back(std::make_unique<WireView>());
    views.push_back(std::make_unique<FramingView>());
    views.push_back(std::make_unique<PredictView>());
    views.push_back(std::make_unique<ProgramOutputView>());
    return views;
}

}  // namespace tcplab
