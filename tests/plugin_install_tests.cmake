# The plugin author's path: samples/plugin built out of tree against an
# installed zeropix (CMake package and pkg-config), installed into the
# plugin folder and run by the installed tool, beside broken plugins.
find_program(ZP_PKG_CONFIG pkg-config)
find_program(ZP_MAKE NAMES make gmake)
# Not in the sanitizer build: the installed tool would be ASan-built and the
# plugin an ordinary module (see install.consumer). Needs the shared library
# for the sample's conformance test program.
if(ZP_PKG_CONFIG AND ZP_MAKE AND ZEROPIX_BUILD_SHARED AND NOT ZEROPIX_SANITIZE)
  add_test(NAME plugin.sample
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/install/check_plugin.sh
            ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR})
  set_tests_properties(plugin.sample PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
endif()
