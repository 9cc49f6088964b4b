#include "arrowhead.hpp"

#include <cmath>

namespace tcplab {

Arrowhead arrowhead(float from_x, float from_y, float to_x, float to_y, float length) {
    const float distance = std::hypot(to_x - from_x, to_y - from_y);
    const float along_x = distance > 0 ? (to_x - from_x) / distance : 0.0f;
    const float along_y = distance > 0 ? (to_y - from_y) / distance : 1.0f;
    const float half_width = length * 0.5f;
    Arrowhead head;
    head.tip_x = to_x;
    head.tip_y = to_y;
    head.base_x = to_x - along_x * length;
    head.base_y = to_y - along_y * length;
    head.left_x = head.base_x - along_y * half_width;
    head.left_y = head.base_y + along_x * half_width;
    head.right_x = head.base_x + along_y * half_width;
    head.right_y = head.base_y - along_x * half_width;
    return head;
}

}  // namespace tcplab
