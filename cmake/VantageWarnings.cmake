# Warning flags applied to every Vantage target (not to third-party code).
set(VANTAGE_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
if(VANTAGE_WERROR)
  list(APPEND VANTAGE_WARNING_FLAGS -Werror)
endif()
