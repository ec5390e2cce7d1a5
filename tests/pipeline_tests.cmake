# The executor: parsing, planning, folding, bands across threads, in-place
# point filters, and the plugin loader (with deliberately broken plugins,
# built as real modules against plugin.h alone).
set(ZP_TEST_PLUGIN_DIR ${CMAKE_CURRENT_BINARY_DIR}/testplugins)
foreach(tp tp_good tp_wrong_abi tp_no_entry tp_mixed)
  add_library(${tp} MODULE plugins/${tp}.c)
  target_include_directories(${tp} PRIVATE ${PROJECT_SOURCE_DIR}/include)
  set_target_properties(${tp} PROPERTIES PREFIX "" LIBRARY_OUTPUT_DIRECTORY ${ZP_TEST_PLUGIN_DIR}
                        C_VISIBILITY_PRESET hidden)
endforeach()
# Not a library at all, though its name says so.
file(WRITE ${ZP_TEST_PLUGIN_DIR}/not_a_plugin.so "this is text, not an ELF file\n")

zp_add_test_program(test_pipeline test_pipeline.c)
add_dependencies(test_pipeline tp_good tp_wrong_abi tp_no_entry tp_mixed)
add_test(NAME pipeline COMMAND test_pipeline ${ZP_TEST_PLUGIN_DIR})
