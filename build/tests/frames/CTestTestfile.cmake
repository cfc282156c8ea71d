# CMake generated Testfile for 
# Source directory: /work/main/tests/frames
# Build directory: /work/main/build/tests/frames
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
include("/work/main/build/tests/frames/frames_validation_test[1]_include.cmake")
include("/work/main/build/tests/frames/frames_crosscheck_test[1]_include.cmake")
include("/work/main/build/tests/frames/frames_property_test[1]_include.cmake")
