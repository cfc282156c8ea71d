#pragma once
// A UNIQUE / PRIMARY KEY violation reported by either backend, so the store can turn it into the error that
// names the caller's field (e.g. a request id already taken).
#include <string>

#include "vantage/core/error.hpp"

namespace vantage::store::detail {

class UniqueViolation : public Error {
public:
    explicit UniqueViolation(const std::string &message) : Error(ErrorCode::duplicate, message) {}
};

} // namespace vantage::store::detail
