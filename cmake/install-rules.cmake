# SPDX-License-Identifier: MIT
# Installs the header-only verifier as a CMake package:
#   find_package(airlock) + target_link_libraries(app PRIVATE airlock::verifier)
# Only headers are installed; no tool dependency (Botan, Boost, toml++)
# reaches the exported target.
include(CMakePackageConfigHelpers)

install(TARGETS airlock_verifier EXPORT airlockTargets)
foreach(root crypto/include formats/include hwid/include verifier/include)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${root}/airlock
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
          FILES_MATCHING PATTERN "*.hpp")
endforeach()
if(EXISTS ${PROJECT_SOURCE_DIR}/verifier/single_include/airlock.hpp)
  install(FILES ${PROJECT_SOURCE_DIR}/verifier/single_include/airlock.hpp
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/airlock/single_include)
endif()

set(airlock_config_dir ${CMAKE_INSTALL_DATADIR}/cmake/airlock)
install(EXPORT airlockTargets NAMESPACE airlock:: DESTINATION ${airlock_config_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/airlockConfigVersion.cmake
  COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)
file(WRITE ${PROJECT_BINARY_DIR}/airlockConfig.cmake
  "include(\"\${CMAKE_CURRENT_LIST_DIR}/airlockTargets.cmake\")\n")
install(FILES ${PROJECT_BINARY_DIR}/airlockConfig.cmake ${PROJECT_BINARY_DIR}/airlockConfigVersion.cmake
        DESTINATION ${airlock_config_dir})
