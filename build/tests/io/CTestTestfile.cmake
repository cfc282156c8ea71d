# CMake generated Testfile for 
# Source directory: /work/main/tests/io
# Build directory: /work/main/build/tests/io
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
include("/work/main/build/tests/io/io_tle_test[1]_include.cmake")
include("/work/main/build/tests/io/io_eop_test[1]_include.cmake")
include("/work/main/build/tests/io/io_omm_test[1]_include.cmake")
