// The planner the service uses. BINDING POINT for the tasking planner (issue 6): return an api::Planner that
// calls scheduling::plan / scheduling::replan here (see include/vantage/api/planner.hpp).
#include "vantage/api/planner.hpp"

namespace vantage::api {

std::unique_ptr<Planner> make_default_planner()
{
    return make_greedy_access_planner();
}

} // namespace vantage::api
