# Neighbourhood filters (blur, box_blur, sharpen, convolve): each against a
# naive double-precision reference, plus isolation, band/tile independence,
# parameter errors and the kernel table. One program, one CTest per part.
zp_add_test_program(test_filters_conv test_filters_conv.c)
target_link_libraries(test_filters_conv PRIVATE m)
# filter_harness.h finds built-ins through weak references, and a weak
# reference never pulls a member out of a static archive: name the entries
# as undefined so the linker extracts them.
if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang" AND NOT APPLE)
  foreach(zp_fc_name IN ITEMS blur box_blur sharpen convolve)
    target_link_options(test_filters_conv PRIVATE "LINKER:--undefined=zp_builtin_${zp_fc_name}")
  endforeach()
endif()
foreach(zp_fc_part IN ITEMS blur box_blur sharpen convolve isolation bands errors kernels)
  add_test(NAME filters.conv.${zp_fc_part} COMMAND test_filters_conv ${zp_fc_part})
  set_tests_properties(filters.conv.${zp_fc_part} PROPERTIES TIMEOUT 300 LABELS filters)
endforeach()
