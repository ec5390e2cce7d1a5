# The conv kernel family (plugins/common/conv_kernels*.c): each SIMD level's
# table against the plain C reference, bit for bit (kernels.conv.LEVEL).
zp_add_test_program(test_kernels_conv test_kernels_conv.c)
target_link_libraries(test_kernels_conv PRIVATE m)
zp_add_kernel_tests(conv test_kernels_conv)
