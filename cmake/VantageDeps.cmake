# Every third-party dependency is found once, here, with the minimum version Debian 12 ships.
find_package(PkgConfig REQUIRED)
find_package(Eigen3 3.4 REQUIRED CONFIG)
find_package(fmt 9 REQUIRED CONFIG)
find_package(CLI11 2.1 REQUIRED CONFIG)
find_package(nlohmann_json 3.11 REQUIRED CONFIG)
find_package(yaml-cpp 0.7 REQUIRED CONFIG)
pkg_check_modules(ERFA REQUIRED IMPORTED_TARGET erfa>=2.0)
pkg_check_modules(GEOGRAPHICLIB REQUIRED IMPORTED_TARGET geographiclib>=2.1)
pkg_check_modules(PUGIXML REQUIRED IMPORTED_TARGET pugixml>=1.13)
# ecCodes (GRIB2 cloud cover): Debian 12's eccodes.pc names a non-existent include directory, and its CMake package
# drags in ecbuild; the header and library are found directly.
find_path(ECCODES_INCLUDE_DIR eccodes.h REQUIRED)
find_library(ECCODES_LIBRARY eccodes REQUIRED)
add_library(Vantage::eccodes INTERFACE IMPORTED)
set_target_properties(Vantage::eccodes PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${ECCODES_INCLUDE_DIR}"
                                                  INTERFACE_LINK_LIBRARIES "${ECCODES_LIBRARY}")
find_package(hwy 1.0 REQUIRED CONFIG)
find_package(TBB 2021 REQUIRED CONFIG)
pkg_check_modules(SLEEF REQUIRED IMPORTED_TARGET sleef>=3.5)
# COIN-OR CBC (coinor-libcbc-dev 2.10.8): MILP for scheduling bounds and the SPOT5 exact method; headers <coin/...>.
pkg_check_modules(CBC REQUIRED IMPORTED_TARGET cbc>=2.10)

# yaml-cpp 0.7 exports a plain `yaml-cpp` target; wrap it so the rest of the build names it one way.
if(NOT TARGET vantage::yaml)
  add_library(vantage_yaml INTERFACE)
  target_link_libraries(vantage_yaml INTERFACE yaml-cpp)
  add_library(vantage::yaml ALIAS vantage_yaml)
endif()

# OpenMPI (Debian libopenmpi-dev) for `mpirun -np N vantage coverage`; without it vantage builds single-process.
find_package(MPI COMPONENTS CXX)
if(MPI_CXX_FOUND)
  set(VANTAGE_WITH_MPI ON)
else()
  set(VANTAGE_WITH_MPI OFF)
  message(STATUS "MPI not found: vantage coverage runs in one process (install libopenmpi-dev openmpi-bin for mpirun)")
endif()

# The service (store + api + `vantage serve`): SQLite (embedded default), libpq (PostgreSQL behind the same
# store interface), libsodium (token hashing), Boost.Beast/Asio (header-only, Debian's libboost-dev 1.74: the
# event-driven HTTP server) with OpenSSL (TLS). cpp-httplib is only the HTTP client of the tests (Debian builds it
# with OpenSSL, zlib and brotli; its pkg-config Cflags define CPPHTTPLIB_OPENSSL_SUPPORT).
if(VANTAGE_BUILD_SERVER)
  find_package(SQLite3 3.40 REQUIRED)
  pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq>=15)
  pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium>=1.0.18)
  find_package(Boost 1.74 REQUIRED)
  find_package(Threads REQUIRED)
  find_package(OpenSSL 3 REQUIRED)
  if(VANTAGE_BUILD_TESTS)
    pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib>=0.11)
  endif()
endif()

if(VANTAGE_BUILD_TESTS)
  find_package(GTest 1.12 REQUIRED CONFIG)
endif()
if(VANTAGE_BUILD_BENCH)
  find_package(benchmark 1.7 REQUIRED CONFIG)
endif()
