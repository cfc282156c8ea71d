# vantage_add_module(<name> SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# Creates the static library vantage_<name> with alias vantage::<name>.
function(vantage_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(vantage_${name} STATIC ${ARG_SOURCES})
  add_library(vantage::${name} ALIAS vantage_${name})
  target_include_directories(vantage_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_compile_options(vantage_${name} PRIVATE ${VANTAGE_WARNING_FLAGS})
  target_link_libraries(vantage_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# vantage_add_test(<module> <name> SOURCES ... DEPS ... [LABELS ...])
# Creates <module>_<name>_test, discovered by CTest with label `unit` (plus any LABELS).
include(GoogleTest)
function(vantage_add_test module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  set(tgt ${module}_${name}_test)
  add_executable(${tgt} ${ARG_SOURCES})
  target_link_libraries(${tgt} PRIVATE ${ARG_DEPS} GTest::gtest_main)
  target_compile_options(${tgt} PRIVATE ${VANTAGE_WARNING_FLAGS})
  target_include_directories(${tgt} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${tgt} PRIVATE VANTAGE_SHARED_DATA="${VANTAGE_SHARED_DATA}"
                                            VANTAGE_TEST_DATA="${PROJECT_SOURCE_DIR}/tests/data"
                                            VANTAGE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  # NOTE: gtest_discover_tests (CMake 3.25) splits a multi-value LABELS property into separate
  # arguments, so only one label would survive. The module labels go on the directory instead
  # (CTest adds a directory's LABELS to every test in it); a test's own extra label (e.g. `slow`)
  # must be a single value.
  set_property(DIRECTORY APPEND PROPERTY LABELS unit ${module})
  list(LENGTH ARG_LABELS n_labels)
  if(n_labels GREATER 1)
    message(FATAL_ERROR "vantage_add_test(${module} ${name}): give at most one extra label")
  endif()
  if(n_labels EQUAL 1)
    gtest_discover_tests(${tgt} WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}
                         PROPERTIES LABELS ${ARG_LABELS} DISCOVERY_TIMEOUT 60)
  else()
    gtest_discover_tests(${tgt} WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR} DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
