# CMake generated Testfile for 
# Source directory: /work/main/tests/orbits
# Build directory: /work/main/build/tests/orbits
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
include("/work/main/build/tests/orbits/orbits_sgp4_validation_test[1]_include.cmake")
include("/work/main/build/tests/orbits/orbits_sgp4_crosscheck_test[1]_include.cmake")
include("/work/main/build/tests/orbits/orbits_sgp4_property_test[1]_include.cmake")
include("/work/main/build/tests/orbits/orbits_sgp4_regression_test[1]_include.cmake")
