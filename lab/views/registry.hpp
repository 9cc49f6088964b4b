#pragma once
// Every view of the window, in the order of the View menu.
#include <memory>
#include <vector>

#include "lab/views/view.hpp"

namespace tcplab {

std::vector<std::unique_ptr<View>> make_views();

}  // namespace tcplab
