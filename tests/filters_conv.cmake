# Neighbourhood filters (blur, box_blur, sharpen, convolve): each against a
# naive double-precision reference, plus isolation, band/tile independence,
# parameter errors and the kernel table. One program, one CTest per part.
zp_add_test_program(test_filters_conv test_filters_conv.c)
target_link_libraries(test_filters_conv PRIVATE m)
foreach(zp_fc_part IN ITEMS blur box_blur sharpen convolve isolation bands errors kernels)
  add_test(NAME filters.conv.${zp_fc_part} COMMAND test_filters_conv ${zp_fc_part})
  set_tests_properties(filters.conv.${zp_fc_part} PROPERTIES TIMEOUT 300 LABELS filters)
endforeach()
