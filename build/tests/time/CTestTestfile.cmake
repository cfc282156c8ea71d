# CMake generated Testfile for 
# Source directory: /work/main/tests/time
# Build directory: /work/main/build/tests/time
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
include("/work/main/build/tests/time/time_instant_test[1]_include.cmake")
include("/work/main/build/tests/time/time_time_scales_test[1]_include.cmake")
