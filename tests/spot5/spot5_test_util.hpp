#pragma once
// Helpers shared by the SPOT5 tests: the published reference table (optimal-values.csv) and paths.
//
// Source: ../shared/data/scheduling/optimal-values.csv, vendored byte for byte as
// tests/reference/scheduling/optimal-values.csv (tests/reference/README.md): optimum or best known per
// instance from Bensana, Lemaitre & Verfaillie 1999 (Constraints 4(3):293-299) Table 1, re-proved with
// CBC 2.10.8 where marked proven.
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

namespace vantage::test_util {

struct Spot5Reference {
    std::string instance;
    int n_vars = 0;
    int n_constraints = 0; ///< header count, including the capacity line
    std::int64_t optimum_or_best = 0;
    bool proven_optimal = false;
};

inline std::string spot5_dir()
{
    return std::string(VANTAGE_SHARED_DATA) + "/scheduling/spot5";
}

inline std::string spot5_instance_path(const std::string &id)
{
    return spot5_dir() + "/instances/" + id + ".spot";
}

inline std::string spot5_certificate_path(const std::string &id)
{
    return spot5_dir() + "/reference_solutions_wei_hao_rsoa/" + id + ".spot_sol.txt";
}

/// optimal-values.csv keyed by instance id (the first five columns carry no quotes).
inline std::map<std::string, Spot5Reference> spot5_reference_table()
{
    const std::string path = std::string(VANTAGE_SHARED_DATA) + "/scheduling/optimal-values.csv";
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot open " + path);
    }
    std::map<std::string, Spot5Reference> out;
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        if (line.empty()) {
            continue;
        }
        std::stringstream ss(line);
        Spot5Reference r;
        std::string f;
        std::getline(ss, r.instance, ',');
        std::getline(ss, f, ',');
        r.n_vars = std::stoi(f);
        std::getline(ss, f, ',');
        r.n_constraints = std::stoi(f);
        std::getline(ss, f, ',');
        r.optimum_or_best = std::stoll(f);
        std::getline(ss, f, ',');
        r.proven_optimal = f == "true";
        out[r.instance] = r;
    }
    return out;
}

} // namespace vantage::test_util
