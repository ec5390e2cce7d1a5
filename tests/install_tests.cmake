# The install rules, the CMake package and the pkg-config file, used the way
# a C programmer would: samples/c-example built out of tree against them.
find_program(ZP_PKG_CONFIG pkg-config)
# Not in the sanitizer build: the consumer is an ordinary program, and an
# ASan-built shared library cannot be loaded into it.
if(ZP_PKG_CONFIG AND ZEROPIX_BUILD_SHARED AND NOT ZEROPIX_SANITIZE)
  add_test(NAME install.consumer
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/install/check_install.sh
            ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/samples/gradient.png)
  set_tests_properties(install.consumer PROPERTIES TIMEOUT 300)
endif()
