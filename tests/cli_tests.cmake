# The zeropix command line: shell scripts in cli/, one CTest each, run as
#   sh cli/test_NAME.sh ZEROPIX SAMPLES_DIR MAKE_SAMPLES
# against the bundled samples. A script exits 77 (skipped) when a tool it
# needs (python3) is missing.

# The program that generates samples/*.png|jpg with the library.
add_executable(zeropix_make_samples ${PROJECT_SOURCE_DIR}/samples/make_samples.c)
target_link_libraries(zeropix_make_samples PRIVATE zeropix_static)
if(NOT WIN32)
  target_link_libraries(zeropix_make_samples PRIVATE m)
endif()
target_compile_definitions(zeropix_make_samples PRIVATE _POSIX_C_SOURCE=200809L)

# `cmake --build BUILD --target zeropix_samples` regenerates samples/ in the
# source tree (see samples/README.md); never part of a normal build.
add_custom_target(zeropix_samples
  COMMAND zeropix_make_samples ${PROJECT_SOURCE_DIR}/samples
  COMMENT "Regenerating the bundled samples in ${PROJECT_SOURCE_DIR}/samples"
  VERBATIM)

file(GLOB zp_cli_scripts ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_*.sh)
foreach(script IN LISTS zp_cli_scripts)
  get_filename_component(name ${script} NAME_WE)
  string(REGEX REPLACE "^test_" "" name ${name})
  add_test(NAME cli.${name}
    COMMAND sh ${script} $<TARGET_FILE:zeropix> ${PROJECT_SOURCE_DIR}/samples
            $<TARGET_FILE:zeropix_make_samples>)
  set_tests_properties(cli.${name} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
endforeach()
