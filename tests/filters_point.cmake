# The view filters (crop, flip, rotate, transpose, extract, drop_alpha), the
# point filters (grayscale, invert, levels, threshold) and their kernels:
# one test per filter against its reference, plus the kernel table and a
# chain of view filters that must allocate no pixel memory.
set(zp_point_filters crop flip rotate transpose extract drop_alpha
                     grayscale invert levels threshold)
zp_add_test_program(test_filters_point test_filters_point.c)
foreach(t IN LISTS zp_point_filters ITEMS view_chain kernels)
  add_test(NAME filters.point.${t} COMMAND test_filters_point ${t})
endforeach()
