# The copy family (transpose, reverse) at each SIMD level against its plain
# C reference, and zp_view_copy through that level's tables.
zp_add_test_program(test_kernels_copy test_kernels_copy.c)
zp_add_kernel_tests(copy test_kernels_copy)
