// The planner the service uses: the tasking planner (scheduling_planner.cpp).
#include "vantage/api/planner.hpp"

namespace vantage::api {

std::unique_ptr<Planner> make_default_planner()
{
    return make_scheduling_planner();
}

} // namespace vantage::api
