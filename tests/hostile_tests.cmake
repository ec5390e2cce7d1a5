# Hostile input: one CTest per limit (limits.NAME), per bad-parameter class
# (params.NAME), the soak test, and the output-safety script (picked up as
# cli.output_safety by cli_tests.cmake; labelled here). docs/limits.md is
# the table these tests check; every test carries the label "hostile", so
#   ctest -L hostile
# runs them all.

# ---- limits.NAME: tests/test_limits.c ------------------------------------------
# The same source is built twice: the test program, and a plugin whose
# filter plans any output size without looking at max_pixels, so that the
# executor's own check is tested apart from resize's.
set(ZP_HOSTILE_PLUGIN_DIR ${CMAKE_CURRENT_BINARY_DIR}/hostile_plugins)
add_library(tl_limits MODULE test_limits.c)
target_include_directories(tl_limits PRIVATE ${PROJECT_SOURCE_DIR}/include)
target_compile_definitions(tl_limits PRIVATE ZP_TEST_LIMITS_PLUGIN)
set_target_properties(tl_limits PROPERTIES PREFIX "" LIBRARY_OUTPUT_DIRECTORY ${ZP_HOSTILE_PLUGIN_DIR}
                      C_VISIBILITY_PRESET hidden)

zp_add_test_program(test_limits test_limits.c)
add_dependencies(test_limits tl_limits zeropix)
set(zp_limit_tests
  pixels_png pixels_jpeg pixels_pnm      # a small header declaring a huge image
  jpeg_scans                             # thousands of progressive scans
  jpeg_icc_size                          # an ICC profile over max_chunk_size
  png_chunk_size png_chunk_count         # one huge chunk; 20000 text chunks
  png_bomb_ztxt png_bomb_iccp            # metadata inflating past max_chunk_size
  png_bomb_text_total                    # many text chunks, each under it
  png_bomb_idat                          # image data: bounded by max_pixels
  operations                             # ZP_MAX_OPERATIONS
  resize_output stage_output             # zp_run_options.max_pixels on every stage
  stage_overflow                         # no limit, a size that overflows
  cli_options)                           # --max-pixels and --no-limits end to end
foreach(name IN LISTS zp_limit_tests)
  add_test(NAME limits.${name}
    COMMAND test_limits ${name} $<TARGET_FILE:zeropix> ${CMAKE_CURRENT_BINARY_DIR}/hostile_work/limits.${name}
            ${ZP_HOSTILE_PLUGIN_DIR}/tl_limits${CMAKE_SHARED_MODULE_SUFFIX})
  set_tests_properties(limits.${name} PROPERTIES LABELS hostile TIMEOUT 300 SKIP_RETURN_CODE 77)
endforeach()
# Peak-RSS checks read the whole process: the bombs run alone so that they
# measure themselves (and do not add their hundreds of MB to another's).
set_tests_properties(limits.png_bomb_ztxt limits.png_bomb_iccp limits.png_bomb_text_total
                     limits.png_bomb_idat PROPERTIES RUN_SERIAL TRUE)

# ---- params.CLASS: tests/test_params.c ----------------------------------------------
# Built twice as well: the plugin is a probe filter that fails loudly if the
# host ever hands its plan() a value outside its table, plus filters with
# broken tables that the loader must refuse.
add_library(tq_params MODULE test_params.c)
target_include_directories(tq_params PRIVATE ${PROJECT_SOURCE_DIR}/include)
target_compile_definitions(tq_params PRIVATE ZP_TEST_PARAMS_PLUGIN)
set_target_properties(tq_params PROPERTIES PREFIX "" LIBRARY_OUTPUT_DIRECTORY ${ZP_HOSTILE_PLUGIN_DIR}
                      C_VISIBILITY_PRESET hidden)
if(NOT WIN32)
  target_link_libraries(tq_params PRIVATE m)
endif()

zp_add_test_program(test_params test_params.c)
target_link_libraries(test_params PRIVATE m)
add_dependencies(test_params tq_params zeropix)
foreach(class out_of_range nonfinite sizes crop_outside kernel_sum kernel_count sigma plugin
              plugin_defaults plan_direct)
  add_test(NAME params.${class}
    COMMAND test_params ${class} $<TARGET_FILE:zeropix> ${CMAKE_CURRENT_BINARY_DIR}/hostile_work/params.${class}
            ${ZP_HOSTILE_PLUGIN_DIR}/tq_params${CMAKE_SHARED_MODULE_SUFFIX})
  set_tests_properties(params.${class} PROPERTIES LABELS hostile TIMEOUT 300)
endforeach()

# ---- soak: tests/test_soak.c -------------------------------------------------------------
# Thousands of conversions in one process, memory measured after a warm-up
# and at the end. Under the sanitizers (fewer iterations: ASan is slower)
# LeakSanitizer judges at exit; elsewhere valgrind runs a short one too.
zp_add_test_program(test_soak test_soak.c)
if(ZEROPIX_SANITIZE)
  set(zp_soak_iterations 3000)
else()
  set(zp_soak_iterations 8000)
endif()
add_test(NAME soak COMMAND test_soak ${zp_soak_iterations} ${CMAKE_CURRENT_BINARY_DIR}/hostile_work/soak)
set_tests_properties(soak PROPERTIES LABELS hostile TIMEOUT 300)
find_program(ZP_VALGRIND valgrind)
if(ZP_VALGRIND AND NOT ZEROPIX_SANITIZE)
  add_test(NAME soak.valgrind COMMAND ${ZP_VALGRIND} --quiet --error-exitcode=1 --leak-check=full
           --errors-for-leak-kinds=definite,indirect $<TARGET_FILE:test_soak> 400
           ${CMAKE_CURRENT_BINARY_DIR}/hostile_work/soak_valgrind --leaks-judged-elsewhere)
  set_tests_properties(soak.valgrind PROPERTIES LABELS hostile TIMEOUT 600)
endif()

# ---- cli.output_safety: tests/cli/test_output_safety.sh ---------------------------------------
# Registered by cli_tests.cmake (every tests/cli/test_*.sh); labelled here.
# Its device-node part runs as a CTest of its own (it needs mknod).
if(TEST cli.output_safety)
  set_tests_properties(cli.output_safety PROPERTIES LABELS hostile)
endif()
add_test(NAME cli.output_safety.device_node
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/test_output_safety.sh $<TARGET_FILE:zeropix>
          ${PROJECT_SOURCE_DIR}/samples $<TARGET_FILE:zeropix_make_samples> device-node)
set_tests_properties(cli.output_safety.device_node PROPERTIES LABELS hostile SKIP_RETURN_CODE 77
                     TIMEOUT 60)
