# The resize and thumbnail filters: against a naive double-precision
# reference, strided and cropped inputs, bands and tiles, weight tables,
# thumbnail sizes and parameter errors (test_filters_resize GROUP).
zp_add_test_program(test_filters_resize test_filters_resize.c)
foreach(group reference strides isolation bands weights thumbnail params)
  add_test(NAME filters.resize.${group} COMMAND test_filters_resize ${group})
endforeach()
